"""{% organisation_quota_previews %}: for the basket page, what the basket adds to each organisation's quota.
{% bank_money_panel order %}: on the dashboard order page, bank payments and bank-transfer refunds with history."""

from decimal import Decimal

from django import template

from shop.caching import personal
from shop.core import history
from shop.institutions import checkout, floors, refunds
from shop.institutions.models import LineRefund, Organisation, PaymentRecord

register = template.Library()


@register.inclusion_tag("institutions/partials/quota_previews.html", takes_context=True)
def organisation_quota_previews(context):
    request = context.get("request")
    basket = getattr(request, "basket", None)
    if request is None or basket is None or basket.is_empty or not request.user.is_authenticated:
        return {"previews": []}
    # Only members buy for an organisation. Whether the user is one is in the account menu's cached
    # workspaces (the header reads them too), so most shoppers cost no query here.
    if not any(workspace.key == "organisation" for workspace in personal.workspaces(request.user)):
        return {"previews": []}
    organisations = Organisation.objects.buying_for(request.user)
    return {
        "previews": [
            checkout.quota_preview(basket, organisation, request=request) for organisation in organisations
        ]
    }


@register.inclusion_tag("institutions/partials/bank_money_panel.html", takes_context=True)
def bank_money_panel(context, order):
    """Staff's view of the money moved by hand for an order: transfers received, refunds returned, their history."""
    return {
        "request": context.get("request"),
        "order": order,
        "payments": order.bank_payments.select_related("recorded_by"),
        "refunds": refunds.transfer_refunds(order),
        "payment_history": PaymentRecord.history.filter(order_id=order.pk),
        "refund_history": LineRefund.history.filter(line__order=order.pk),
        "describe_refund": history.describe_by("line_id", "amount"),
    }


@register.inclusion_tag("institutions/partials/share_floor.html")
def share_floor(organisation, year):
    """The least reserved share the organisation's region sets that year, with its source."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return {"floor": None}
    return {"floor": floors.floor_for(organisation.region_id, year), "year": year}


@register.filter
def as_percent(share) -> str:
    """A share kept as a fraction (0.3000) as people read it (30%)."""
    if share is None or share == "":
        return "—"
    percent = (Decimal(share) * 100).quantize(Decimal("0.01")).normalize()
    return f"{percent:f}%"
