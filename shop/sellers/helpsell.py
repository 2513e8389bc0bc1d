"""Help-sell (滞销助销): sellers flag surplus products; the flag ends by itself."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue_ext import certification
from shop import caching
from shop.sellers.access import partners_of
from shop.sellers.models import HelpSellFlag

Product = get_model("catalogue", "Product")


class NotAllowed(Exception):
    pass


def products_needing_help(*, on: datetime.date | None = None):
    """Listable products with a running help-sell flag: for the public listing, home page and institutions."""
    running = HelpSellFlag.objects.active(on=on).filter(product=OuterRef("pk"))
    return Product.objects.listable().filter(Exists(running))


def flag(product, *, by, quantity: int, reason: str, until: datetime.date, note: str = "") -> HelpSellFlag:
    """A seller flags one of its own products as surplus until a date."""
    if not product.stockrecords.filter(partner__in=partners_of(by)).exists():
        raise NotAllowed("Sellers flag only their own products.")
    if until < certification.today():
        raise NotAllowed("The until-date has passed.")
    help_flag = HelpSellFlag.objects.create(
        product=product, quantity=quantity, reason=reason, until=until, note=note, created_by=by
    )
    caching.catalogue_changed()  # the home page's help-sell rail is a cached page
    return help_flag


def withdraw(help_flag: HelpSellFlag, *, by) -> None:
    with transaction.atomic():
        help_flag = HelpSellFlag.objects.select_for_update().get(pk=help_flag.pk)
        if not help_flag.product.stockrecords.filter(partner__in=partners_of(by)).exists():
            raise NotAllowed("Sellers end only their own flags.")
        if help_flag.ended_at is None:
            help_flag.ended_at = timezone.now()
            help_flag.end_reason = HelpSellFlag.EndReason.WITHDRAWN
            help_flag.save(update_fields=["ended_at", "end_reason"])
            caching.catalogue_changed()


def end_lapsed(*, on: datetime.date | None = None) -> int:
    """Record the end of flags past their until-date or sold out; safe to run any number of times.

    Listings never wait for this: HelpSellFlag.objects.active() already leaves such flags out.
    """
    on = on or certification.today()
    open_flags = HelpSellFlag.objects.filter(ended_at__isnull=True)
    now = timezone.now()
    ended = open_flags.filter(until__lt=on).update(ended_at=now, end_reason=HelpSellFlag.EndReason.UNTIL_DATE)
    still_running = HelpSellFlag.objects.active(on=on).values("pk")
    ended += open_flags.exclude(pk__in=still_running).update(
        ended_at=now, end_reason=HelpSellFlag.EndReason.SOLD_OUT
    )
    if ended:
        caching.catalogue_changed()
    return ended


def flagged(products):
    """The subset of a Product queryset with a running help-sell flag (search's SEARCH_HELP_SELL_FILTER hook)."""
    return products.filter(Exists(HelpSellFlag.objects.active().filter(product=OuterRef("pk"))))
