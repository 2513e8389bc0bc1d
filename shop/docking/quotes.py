"""Sellers' quotes (报价): one per seller and demand, editable until the quote deadline."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.core import dates
from shop.core.exceptions import InvalidInput, InvalidState, LimitExceeded, NotPermitted
from shop.docking import matching, notifications, transitions
from shop.docking.models import ON_BOARD, Award, Demand, Quote, Status, Unit
from shop.institutions import quotas
from shop.institutions.models import Membership
from shop.order import statuses
from shop.sellers.access import partners_of

Line = get_model("order", "Line")
ProductCertificate = get_model("catalogue", "ProductCertificate")
INTEGER = IntegerField()


def is_buyers_own_side(demand: Demand, partner) -> bool:
    """A seller may not quote on a demand of its own organisation, nor on one its own people posted."""
    staff_ids = set(partner.users.values_list("pk", flat=True))
    if demand.posted_by_id in staff_ids:
        return True
    if demand.organisation_id:
        if Membership.objects.filter(organisation_id=demand.organisation_id, user_id__in=staff_ids).exists():
            return True
        credit_code = demand.organisation.credit_code
        if credit_code and credit_code == partner.credit_code:
            return True
    return False


def submit(
    demand: Demand,
    *,
    partner,
    by,
    product,
    unit_price: Decimal,
    quantity: int,
    unit: str,
    lead_time_days: int,
    valid_until: datetime.date,
    note: str = "",
) -> Quote:
    """Create the seller's quote on the demand, or change it while the demand still takes quotes."""
    today = dates.today()
    if partner not in partners_of(by):
        raise NotPermitted(_("You may quote only for a seller you work for."))
    if is_buyers_own_side(demand, partner):
        raise NotPermitted(_("A seller cannot quote on its own organisation's demand."))
    if unit_price is None or unit_price <= 0:
        raise InvalidInput(_("The price per unit must be more than zero."))
    if unit != demand.unit:
        raise InvalidInput(
            _("This demand is counted in %(unit)s: please quote per %(unit)s.")
            % {"unit": Unit(demand.unit).label}
        )
    if quantity is None or quantity < 1:
        raise InvalidInput(_("The quantity must be at least 1."))
    if quantity > demand.quantity:
        raise LimitExceeded(
            _("The demand is for %(quantity)s %(unit)s; you cannot offer more.")
            % {"quantity": demand.quantity, "unit": Unit(demand.unit).label}
        )
    if valid_until < today:
        raise InvalidInput(_("The quote's validity has already ended."))
    if not matching.quotable_products(demand, partner).filter(pk=product.pk).exists():
        raise InvalidInput(_("Offer one of your own listed products that meets the demand's conditions."))
    if demand.counts_toward_quota:
        counts, reason = quotas.evaluate(_facts(product))
        if not counts:
            raise InvalidInput(
                _("The buyer needs products that count toward its quota: %(reason)s.")
                % {"reason": reason.label}
            )
    fields = {
        "product": product,
        "unit_price": unit_price,
        "quantity": quantity,
        "lead_time_days": lead_time_days,
        "valid_until": valid_until,
        "note": note,
        "withdrawn_at": None,
    }
    with transaction.atomic():
        locked = transitions.lock(demand)
        if locked.status not in ON_BOARD:
            raise InvalidState(_("This demand no longer takes quotes."))
        if locked.quote_deadline < today:
            raise InvalidState(_("The quote deadline has passed."))
        quote, created = Quote.objects.update_or_create(
            demand=locked, partner=partner, defaults=fields, create_defaults={**fields, "created_by": by}
        )
        if locked.status == Status.OPEN:
            transitions.move(locked, Status.QUOTING)
        if created:
            notifications.quote_received(quote)
    return quote


def _facts(product) -> quotas.LineFacts:
    fields = quotas.frozen_line_fields(product)
    return quotas.LineFacts(poverty_county=fields["was_poverty_county"], certified=fields["was_certified"])


def withdraw(quote: Quote, *, by) -> None:
    """A seller takes its quote back before the deadline; an awarded quote stays."""
    if quote.partner not in partners_of(by):
        raise NotPermitted(_("You may withdraw only your own quotes."))
    with transaction.atomic():
        demand = transitions.lock(quote.demand)
        if demand.status not in ON_BOARD or demand.quote_deadline < dates.today():
            raise InvalidState(_("Quotes can be withdrawn only before the deadline."))
        Quote.objects.filter(pk=quote.pk).update(withdrawn_at=timezone.now())


def comparison(demand: Demand):
    """The demand's live quotes side by side: price, quantity, lead time, certified, county, what was
    already awarded, and the seller's fulfilment record (order lines shipped of lines sold)."""
    today = dates.today()
    certified_now = ProductCertificate.objects.valid(on=today)
    partner_lines = Line.objects.filter(partner=OuterRef("partner")).values("partner")
    shipped = partner_lines.filter(status__in=(statuses.LINE_SHIPPED, statuses.LINE_DELIVERED))
    sold = partner_lines.exclude(status=statuses.LINE_CANCELLED)
    awarded = Award.objects.filter(quote=OuterRef("pk")).values("quote").annotate(total=Sum("quantity"))
    return (
        demand.quotes.filter(withdrawn_at__isnull=True)
        .filter(Q(valid_until__gte=today) | Exists(Award.objects.filter(quote=OuterRef("pk"))))
        .select_related("partner", "partner__county", "product", "product__parent")
        .annotate(
            is_certified=Exists(certified_now.filter(product=OuterRef("product")))
            | Exists(certified_now.filter(product=OuterRef("product__parent"))),
            awarded_quantity=Coalesce(Subquery(awarded.values("total"), output_field=INTEGER), 0),
            lines_shipped=Coalesce(
                Subquery(shipped.annotate(n=Count("pk")).values("n"), output_field=INTEGER), 0
            ),
            lines_sold=Coalesce(Subquery(sold.annotate(n=Count("pk")).values("n"), output_field=INTEGER), 0),
        )
        .order_by("unit_price", "-quantity", "lead_time_days")
    )
