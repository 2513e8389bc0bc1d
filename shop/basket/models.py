"""Oscar's basket models; the basket loads its lines with everything the basket page reads of them."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch
from oscar.apps.basket.abstract_models import AbstractBasket
from oscar.apps.basket.managers import OpenBasketManager
from oscar.core.loading import get_model


class OpenBaskets(OpenBasketManager):
    def get_queryset(self):
        """Open baskets, each loaded knowing whether it holds a voucher (`holds_vouchers`): most hold none,
        and applying offers would otherwise query the basket's vouchers on every page that loads it."""
        vouchers = self.model.vouchers.through.objects.filter(basket_id=OuterRef("pk"))
        return super().get_queryset().annotate(holds_vouchers=Exists(vouchers))


class Basket(AbstractBasket):
    objects = models.Manager()  # declared again so that it stays the default manager, before `open`
    open = OpenBaskets()

    def all_lines(self):
        """Oscar's cached lines, each with its product's class: shipping, stock tracking and pricing read it
        for every line, which Oscar would load line by line. A variant's class and images are its parent's,
        prefetched with the parent only when the basket holds variants (a join would cost every line)."""
        if self.id is not None and self._lines is None:
            Product = get_model("catalogue", "Product")
            self._lines = (
                self.lines.select_related("product__product_class", "stockrecord")
                .prefetch_related(
                    "attributes",
                    "product__images",
                    Prefetch("product__parent", queryset=Product.objects.select_related("product_class")),
                    "product__parent__images",
                )
                .order_by(self._meta.pk.name)
            )
        return super().all_lines()

    @property
    def is_empty(self):
        """Whether the basket has no line, judged on its loaded lines: whoever asks (applying offers, the
        basket page, adding to the basket, checkout) reads the lines next, so Oscar's COUNT query would be
        wasted. (`num_lines` still counts in SQL for the staff reports that list many baskets.)"""
        return self.id is None or len(self.all_lines()) == 0


from oscar.apps.basket.models import *  # noqa: E402,F401,F403
