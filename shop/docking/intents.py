"""Trade-fair purchase intents (洽谈会意向): recorded by buyers with the event's exhibitors, and how much
of them turned into orders (the buyer's orders from that exhibitor placed since signing, capped at the
intent's amount)."""

import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.core import dates, money
from shop.core.exceptions import InvalidInput, NotPermitted
from shop.docking.models import Intent
from shop.institutions.models import Organisation
from shop.order import statuses

Line = get_model("order", "Line")
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def record(
    event,
    *,
    buyer,
    partner,
    product: str,
    quantity: int,
    unit: str,
    amount: Decimal,
    signed_on: datetime.date,
    organisation: Organisation | None = None,
) -> Intent:
    """A buyer records an intent signed with one of the event's exhibitors."""
    if not buyer.is_authenticated:
        raise NotPermitted(_("Please sign in to record an intent."))
    if not event.exhibitors.filter(seller=partner).exists():
        raise InvalidInput(_("%(seller)s is not an exhibitor of this event.") % {"seller": partner.name})
    if (
        organisation is not None
        and not Organisation.objects.buying_for(buyer).filter(pk=organisation.pk).exists()
    ):
        raise NotPermitted(_("You do not buy for this organisation."))
    if amount is None or amount <= 0:
        raise InvalidInput(_("The amount must be more than zero."))
    if quantity is None or quantity < 1:
        raise InvalidInput(_("The quantity must be at least 1."))
    if signed_on < event.date or signed_on > dates.today():
        raise InvalidInput(_("An intent is signed at the event: between its date and today."))
    return Intent.objects.create(
        event=event,
        buyer=buyer,
        organisation=organisation,
        partner=partner,
        product=product,
        quantity=quantity,
        unit=unit,
        amount=amount,
        signed_on=signed_on,
    )


def _ordered_since_signing():
    """Per intent: the buyer's order lines from the exhibitor placed since the signing day, not cancelled."""
    lines = (
        Line.objects.filter(
            partner=OuterRef("partner"),
            order__user=OuterRef("buyer"),
            order__date_placed__date__gte=OuterRef("signed_on"),
        )
        .exclude(order__status=statuses.CANCELLED)
        .values("partner")
        .annotate(total=Sum("line_price_incl_tax"))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=MONEY), ZERO)


def with_conversion(intents):
    """Annotate `converted`: how much of each intent became orders, at most its amount."""
    return intents.annotate(converted=Least(F("amount"), _ordered_since_signing(), output_field=MONEY))


def totals_by_county(intents) -> list[dict]:
    """Intended and converted amounts per exhibitor county, largest first, in one query."""
    rows = list(
        with_conversion(intents)
        .values(county=F("partner__county__name"))
        .annotate(count=Sum(Value(1)), intended=Sum("amount"), ordered=Sum("converted"))
        .order_by("-intended", "county")
    )
    return money.rows_to_fen(rows, "intended", "ordered")


def totals(intents) -> dict:
    result = with_conversion(intents).aggregate(
        intended=Coalesce(Sum("amount"), ZERO), ordered=Coalesce(Sum("converted"), ZERO)
    )
    return money.rows_to_fen([result], "intended", "ordered")[0]


def for_year(year: int):
    start, end = dates.year_bounds(year)
    return Intent.objects.filter(Q(signed_on__gte=dates.date_of(start)) & Q(signed_on__lt=dates.date_of(end)))
