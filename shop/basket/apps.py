from oscar.apps.basket import apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket app, forked for the basket page: lines loaded with what pricing and shipping read."""

    name = "shop.basket"
