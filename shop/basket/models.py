"""Oscar's basket models; the basket loads its lines with everything the basket page reads of them."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.apps.basket.managers import OpenBasketManager, SavedBasketManager
from oscar.core.loading import get_model

OPTIONS = "attributes"  # a line's chosen product options (Oscar's LineAttribute rows)


class LineQuerySet(models.QuerySet):
    def with_options_flag(self):
        """Annotate `has_options`: whether the line has chosen options. Lines loaded with it and with the
        options prefetched read them only for the lines that have some: most baskets hold none, and the
        basket page would query them for every load."""
        LineAttribute = get_model("basket", "LineAttribute")
        return self.annotate(has_options=Exists(LineAttribute.objects.filter(line=OuterRef("pk"))))

    def _prefetch_related_objects(self):
        lookups = list(self._prefetch_related_lookups)
        lines = self._result_cache
        if OPTIONS in lookups and lines and all(hasattr(line, "has_options") for line in lines):
            lookups.remove(OPTIONS)
            without = [line for line in lines if not line.has_options]
            none = get_model("basket", "LineAttribute").objects.none()
            prefetch_related_objects(without, Prefetch(OPTIONS, queryset=none))  # no query
            prefetch_related_objects([line for line in lines if line.has_options], OPTIONS)
        prefetch_related_objects(lines, *lookups)
        self._prefetch_done = True


class Line(AbstractLine):
    objects = LineQuerySet.as_manager()


class OpenBaskets(OpenBasketManager):
    def get_queryset(self):
        """Open baskets, each loaded knowing whether it holds a voucher (`holds_vouchers`): most hold none,
        and applying offers would otherwise query the basket's vouchers on every page that loads it."""
        vouchers = self.model.vouchers.through.objects.filter(basket_id=OuterRef("pk"))
        return super().get_queryset().annotate(holds_vouchers=Exists(vouchers))


class SavedBaskets(SavedBasketManager):
    def get(self, *args, **kwargs):
        """`Basket.saved.get(owner=user)`, as Oscar's basket page asks on every load, answered without a
        query when the user has no saved basket: whether they have one is cached per user under their
        basket version (`shop.caching.personal.saved_basket_id`), which saving a basket or a line bumps."""
        owner = kwargs.get("owner")
        if args or set(kwargs) != {"owner"} or getattr(owner, "pk", None) is None:
            return super().get(*args, **kwargs)
        from shop.caching import personal

        if (
            personal.saved_basket_id(
                owner, lambda: self.filter(owner=owner).values_list("pk", flat=True).first()
            )
            is None
        ):
            raise self.model.DoesNotExist("the user has no saved basket")
        return super().get(*args, **kwargs)


class Basket(AbstractBasket):
    objects = models.Manager()  # declared again so that it stays the default manager, before `open`
    open = OpenBaskets()
    saved = SavedBaskets()

    def all_lines(self):
        """Oscar's cached lines, each with its product's class: shipping, stock tracking and pricing read it
        for every line, which Oscar would load line by line. A variant's class and images are its parent's,
        prefetched with the parent only when the basket holds variants (a join would cost every line).
        Options are read only for the lines that have some (`LineQuerySet`)."""
        if self.id is not None and self._lines is None:
            Product = get_model("catalogue", "Product")
            self._lines = (
                self.lines.with_options_flag()
                .select_related("product__product_class", "stockrecord")
                .prefetch_related(
                    OPTIONS,
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
