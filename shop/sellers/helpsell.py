"""Help-sell (滞销助销): sellers flag surplus products; the flag ends by itself."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from catalogue_ext import changes
from shop.core import dates
from shop.core.exceptions import InvalidInput, NotPermitted
from shop.sellers.access import partners_of
from shop.sellers.models import HelpSellFlag

Product = get_model("catalogue", "Product")


def products_needing_help(*, on: datetime.date | None = None):
    """Listable products with a running help-sell flag: for the public listing, home page and institutions."""
    running = HelpSellFlag.objects.active(on=on).filter(product=OuterRef("pk"))
    return Product.objects.listable().filter(Exists(running))


def flag(product, *, by, quantity: int, reason: str, until: datetime.date, note: str = "") -> HelpSellFlag:
    """A seller flags one of its own products as surplus until a date."""
    if not product.stockrecords.filter(partner__in=partners_of(by)).exists():
        raise NotPermitted(_("Sellers flag only their own products."))
    if until < dates.today():
        raise InvalidInput(_("The until-date has passed."))
    help_flag = HelpSellFlag.objects.create(
        product=product, quantity=quantity, reason=reason, until=until, note=note, created_by=by
    )
    _flags_changed([product.pk])
    return help_flag


def withdraw(help_flag: HelpSellFlag, *, by) -> None:
    with transaction.atomic():
        help_flag = HelpSellFlag.objects.select_for_update().get(pk=help_flag.pk)
        if not help_flag.product.stockrecords.filter(partner__in=partners_of(by)).exists():
            raise NotPermitted(_("Sellers end only their own flags."))
        if help_flag.ended_at is None:
            help_flag.ended_at = timezone.now()
            help_flag.end_reason = HelpSellFlag.EndReason.WITHDRAWN
            help_flag.save(update_fields=["ended_at", "end_reason"])
            _flags_changed([help_flag.product_id])


def end_lapsed(*, on: datetime.date | None = None) -> int:
    """Record the end of flags past their until-date or sold out; safe to run any number of times.

    Listings never wait for this: HelpSellFlag.objects.active() already leaves such flags out.
    """
    on = on or dates.today()
    open_flags = HelpSellFlag.objects.filter(ended_at__isnull=True)
    now = timezone.now()
    lapsed = open_flags.filter(until__lt=on)
    still_running = HelpSellFlag.objects.active(on=on).values("pk")
    sold_out = open_flags.filter(until__gte=on).exclude(pk__in=still_running)
    product_ids = set(lapsed.values_list("product_id", flat=True)) | set(
        sold_out.values_list("product_id", flat=True)
    )
    ended = lapsed.update(ended_at=now, end_reason=HelpSellFlag.EndReason.UNTIL_DATE)
    ended += sold_out.update(ended_at=now, end_reason=HelpSellFlag.EndReason.SOLD_OUT)
    if ended:
        _flags_changed(product_ids)
    return ended


def _flags_changed(product_ids) -> None:
    """A flag started or ended: the cached pages (the home page's help-sell rail) and the search
    index's help-sell facet of these products are out of date."""
    changes.products_changed(product_ids)


def flagged(products):
    """The subset of a Product queryset with a running help-sell flag."""
    return products.filter(Exists(HelpSellFlag.objects.active().filter(product=OuterRef("pk"))))
