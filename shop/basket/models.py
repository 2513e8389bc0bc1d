"""Oscar's basket models; the basket loads its lines with everything the basket page reads of them."""

from oscar.apps.basket.abstract_models import AbstractBasket


class Basket(AbstractBasket):
    def all_lines(self):
        """Oscar's cached lines, each with its product's class (a variant's through its parent): shipping,
        stock tracking and pricing read it for every line, which Oscar would load line by line."""
        if self.id is not None and self._lines is None:
            self._lines = (
                self.lines.select_related(
                    "product__product_class", "product__parent__product_class", "stockrecord"
                )
                .prefetch_related("attributes", "product__images")
                .order_by(self._meta.pk.name)
            )
        return super().all_lines()

    @property
    def num_lines(self):
        """The number of lines, counted on the loaded lines: every page that asks (offers, the basket page,
        adding to the basket, checkout) reads the lines next, so an extra COUNT query would be wasted."""
        return len(self.all_lines())


from oscar.apps.basket.models import *  # noqa: E402,F401,F403
