from oscar.apps.offer import apps


class OfferConfig(apps.OfferConfig):
    """Oscar's offer app, forked for its Applicator (offers looked up once per basket and request)."""

    name = "shop.offer"
