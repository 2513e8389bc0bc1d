"""Awarding quotes: each award is placed as a real Oscar order, at the quoted price, for the buyer.

The order goes through the shop's own OrderCreator (stock allocated under a row lock, the line's quota
facts frozen), is paid by bank transfer against the invoice like any organisation order, and, for a
demand posted for an organisation, is tagged to it by institutions.checkout.tag_order with the
organisation's fapiao details, held for approval above its threshold. From there it is an ordinary
organisation order: quotas.py decides which of its lines count.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_class, get_model

from shop.checkout import payment_methods
from shop.core import dates
from shop.core.exceptions import InvalidInput, InvalidState, LimitExceeded, NotPermitted
from shop.docking import demands, notifications, transitions
from shop.docking.models import Award, Demand, Quote, Status, Unit
from shop.docking.pricing import QuotedPrice
from shop.institutions import checkout
from shop.order import statuses

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
ShippingAddress = get_model("order", "ShippingAddress")
SourceType = get_model("payment", "SourceType")
Source = get_model("payment", "Source")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")

AWARDABLE = (Status.QUOTING, Status.PARTLY_AWARDED)
MOBILE = re.compile(r"^1\d{10}$")


@dataclass(frozen=True)
class Part:
    """A quantity of one product of a quote: its main product unless `product` names an alternative."""

    quote: Quote
    quantity: int
    product: object = None


def award(demand: Demand, parts: list[Part], *, by, po_reference: str = "") -> list[Award]:
    """Award parts of the demand to quotes, all or nothing, at the quoted prices: one award and one order
    per quote, with one line per product of the quote the buyer chose (the main one, alternatives, or
    several of them: a canteen picks the grade or pack it prefers, or splits between them)."""
    if not demands.may_manage(by, demand):
        raise NotPermitted(_("You may award only your own organisation's demands."))
    parts = [part for part in parts if part.quantity]
    if not parts:
        raise InvalidInput(_("Enter the quantity to award to at least one quote."))
    today = dates.today()
    with transaction.atomic():
        locked = transitions.lock(demand)
        if locked.status not in AWARDABLE:
            raise InvalidState(_("Quotes on this demand cannot be awarded now."))
        already = locked.awards.aggregate(total=Sum("quantity"))["total"] or 0
        wanted = sum(part.quantity for part in parts)
        if already + wanted > locked.quantity:
            raise LimitExceeded(
                _("Only %(left)s %(unit)s of this demand are left to award; you entered %(wanted)s.")
                % {"left": locked.quantity - already, "unit": Unit(locked.unit).label, "wanted": wanted}
            )
        by_quote: dict[int, list[Part]] = {}
        for part in parts:
            by_quote.setdefault(part.quote.pk, []).append(part)
        made = []
        for quote_pk, quote_parts in by_quote.items():
            quote = Quote.objects.select_for_update().select_related("partner", "product").get(pk=quote_pk)
            lines = _lines(quote, quote_parts)
            quantity = sum(line_quantity for _product, line_quantity in lines)
            _check_part(locked, quote, quantity, today)
            order = _place_order(locked, quote, lines, buyer=by, po_reference=po_reference)
            made.append(
                Award.objects.create(
                    demand=locked,
                    quote=quote,
                    quantity=quantity,
                    unit_price=quote.unit_price,
                    order=order,
                    ship_by=today + datetime.timedelta(days=quote.lead_time_days),
                    awarded_by=by,
                )
            )
        transitions.move(
            locked, Status.AWARDED if already + wanted == locked.quantity else Status.PARTLY_AWARDED
        )
        for made_award in made:
            notifications.awarded(made_award)
    demand.status = locked.status
    return made


def _check_part(demand: Demand, quote: Quote, quantity: int, today) -> None:
    if quote.demand_id != demand.pk:
        raise InvalidInput(_("That quote is not for this demand."))
    if quantity < 0:
        raise InvalidInput(_("Quantities cannot be negative."))
    if quote.withdrawn_at is not None:
        raise InvalidState(_("%(seller)s has withdrawn its quote.") % {"seller": quote.partner.name})
    if quote.valid_until < today:
        raise InvalidState(_("The quote of %(seller)s is no longer valid.") % {"seller": quote.partner.name})
    awarded = quote.awards.aggregate(total=Sum("quantity"))["total"] or 0
    if awarded + quantity > quote.quantity:
        raise LimitExceeded(
            _("%(seller)s offered %(offered)s; %(awarded)s are already awarded to it.")
            % {"seller": quote.partner.name, "offered": quote.quantity, "awarded": awarded}
        )


def _lines(quote: Quote, parts: list[Part]) -> list[tuple]:
    """(product, quantity) per product of the quote, refusing products the quote does not offer."""
    offered = {product.pk: product for product in [quote.product, *quote.alternatives.all()]}
    quantities: dict[int, int] = {}
    for part in parts:
        if part.quantity < 0:
            raise InvalidInput(_("Quantities cannot be negative."))
        product_pk = quote.product_id if part.product is None else part.product.pk
        if product_pk not in offered:
            raise InvalidInput(
                _("%(seller)s did not offer that product on this demand.") % {"seller": quote.partner.name}
            )
        quantities[product_pk] = quantities.get(product_pk, 0) + part.quantity
    return [(offered[pk], quantity) for pk, quantity in quantities.items() if quantity]


def _place_order(demand: Demand, quote: Quote, lines: list[tuple], *, buyer, po_reference: str):
    basket = Basket.objects.create(owner=buyer)
    basket.strategy = QuotedPrice(quote, unit_price=quote.unit_price)
    for product, quantity in lines:
        basket.add_product(product, quantity=quantity)
    shipping_method = Free()
    shipping_charge = shipping_method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    tagging = _tagging(demand, po_reference)
    status = checkout.initial_status(tagging, total=total.incl_tax) or statuses.PENDING_PAYMENT
    try:
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            user=buyer,
            shipping_address=_shipping_address(demand),
            status=status,
            payment_method=payment_methods.BANK_TRANSFER,
        )
    except UnableToPlaceOrder as error:  # the seller has less stock than it quoted
        raise InvalidState(str(error)) from error
    source_type, _created = SourceType.objects.get_or_create(
        code=payment_methods.BANK_TRANSFER, defaults={"name": "Bank transfer"}
    )
    Source.objects.create(
        order=order, source_type=source_type, currency=total.currency, amount_allocated=total.incl_tax
    )
    basket.submit()
    checkout.tag_order(order, tagging, buyer=buyer)
    return order


def _tagging(demand: Demand, po_reference: str) -> dict | None:
    """The organisation tagging checkout would store, from the organisation's fapiao defaults."""
    if not demand.organisation_id:
        return None
    return {
        "organisation": demand.organisation,
        "purpose": demand.purpose,
        "po_reference": po_reference,
        **demand.organisation.fapiao_defaults(),
    }


def _shipping_address(demand: Demand):
    china, _created = Country.objects.get_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "printable_name": "中国",
            "name": "People's Republic of China",
            "is_shipping_country": True,
        },
    )
    region = demand.delivery_region
    return ShippingAddress.objects.create(
        first_name=demand.contact_name,
        line1=demand.delivery_address,
        line4=region.name,
        state=region.province.name if region.province_id else "",
        country=china,
        phone_number=f"+86{demand.contact_phone}" if MOBILE.match(demand.contact_phone) else "",
        notes=f"{demand.contact_name} {demand.contact_phone}",
    )


def awarded_quantity(demand: Demand) -> int:
    return demand.awards.aggregate(total=Sum("quantity"))["total"] or 0
