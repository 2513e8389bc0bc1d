"""Sellers' quotes (报价): one per seller and demand, editable until the quote deadline."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
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
Product = get_model("catalogue", "Product")
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
    alternatives=(),
    unit_price: Decimal,
    quantity: int,
    unit: str,
    lead_time_days: int,
    valid_until: datetime.date,
    note: str = "",
) -> Quote:
    """Create the seller's quote on the demand, or change it while the demand still takes quotes.

    `product` is the main product offered; `alternatives` are other products of the seller's the buyer
    may choose instead, at the same price. Each must be one the seller may offer on the demand."""
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
    alternatives = list({item.pk: item for item in alternatives if item.pk != product.pk}.values())
    offered = [product, *alternatives]
    quotable = matching.quotable_products(demand, partner).filter(pk__in=[item.pk for item in offered])
    if set(quotable.values_list("pk", flat=True)) != {item.pk for item in offered}:
        raise InvalidInput(_("Offer only your own listed products that meet the demand's conditions."))
    if demand.counts_toward_quota:
        for item in offered:
            counts, reason = quotas.evaluate(_facts(item))
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
        quote.alternatives.set(alternatives)
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
    """The demand's live quotes side by side: price, quantity, lead time, each offered product and whether
    it is certified, county, what was already awarded, and the seller's fulfilment record. One query for
    the quotes (the record is correlated subqueries per seller row) and one for the alternatives."""
    today = dates.today()
    alternatives = (
        Product.objects.select_related("parent")
        .annotate(is_certified=_certified("pk", today) | _certified("parent", today))
        .order_by("title")
    )
    awarded = Award.objects.filter(quote=OuterRef("pk")).values("quote").annotate(total=Sum("quantity"))
    return (
        demand.quotes.filter(withdrawn_at__isnull=True)
        .filter(Q(valid_until__gte=today) | Exists(Award.objects.filter(quote=OuterRef("pk"))))
        .select_related("partner", "partner__county", "product", "product__parent")
        .prefetch_related(Prefetch("alternatives", queryset=alternatives))
        .annotate(
            is_certified=_certified("product", today) | _certified("product__parent", today),
            awarded_quantity=Coalesce(Subquery(awarded.values("total"), output_field=INTEGER), 0),
            **fulfilment_record("partner", today),
        )
        .order_by("unit_price", "-quantity", "lead_time_days")
    )


def _certified(ref: str, today) -> Exists:
    """The product named by `ref` (through OuterRef) has a certificate valid today (the catalogue's rule)."""
    return Exists(ProductCertificate.objects.valid(on=today).filter(product=OuterRef(ref)))


def fulfilment_record(partner_ref: str, today) -> dict:
    """Annotations of a seller's record (the seller named by `partner_ref` through OuterRef), each a count:

    - `lines_sold`, `lines_shipped`: its order lines not cancelled, and those shipped or delivered;
    - `awards_due`: its docking awards (order not cancelled) fully shipped or whose ship-by day has passed;
    - `awards_fulfilled`: those fully shipped (no line left pending);
    - `awards_on_time`: those fully shipped with no line shipped after the ship-by day (award day plus
      the quote's lead time)."""
    lines = Line.objects.filter(partner=OuterRef(partner_ref)).order_by().values("partner")
    shipped_statuses = (statuses.LINE_SHIPPED, statuses.LINE_DELIVERED)
    records = (
        Award.objects.filter(quote__partner=OuterRef(partner_ref))
        .exclude(order__status=statuses.CANCELLED)
        .annotate(
            done=~Exists(Line.objects.filter(order=OuterRef("order"), status=statuses.LINE_PENDING)),
            late=Exists(
                Line.objects.filter(
                    order=OuterRef("order"),
                    status__in=shipped_statuses,
                    shipped_at__date__gt=OuterRef("ship_by"),
                )
            ),
        )
        .order_by()
        .values("quote__partner")
    )

    def count(queryset):
        return Coalesce(Subquery(queryset.annotate(n=Count("pk")).values("n"), output_field=INTEGER), 0)

    return {
        "lines_sold": count(lines.exclude(status=statuses.LINE_CANCELLED)),
        "lines_shipped": count(lines.filter(status__in=shipped_statuses)),
        "awards_due": count(records.filter(Q(done=True) | Q(ship_by__lt=today))),
        "awards_fulfilled": count(records.filter(done=True)),
        "awards_on_time": count(records.filter(done=True, late=False)),
    }
