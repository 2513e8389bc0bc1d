"""{% organisation_quota_previews %}: for the basket page, what the basket adds to each organisation's quota."""

from decimal import Decimal

from django import template

from shop.institutions import checkout
from shop.institutions.models import Organisation

register = template.Library()


@register.inclusion_tag("institutions/partials/quota_previews.html", takes_context=True)
def organisation_quota_previews(context):
    request = context.get("request")
    basket = getattr(request, "basket", None)
    if request is None or basket is None or basket.is_empty or not request.user.is_authenticated:
        return {"previews": []}
    organisations = Organisation.objects.buying_for(request.user)
    return {"previews": [checkout.quota_preview(basket, organisation) for organisation in organisations]}


@register.filter
def as_percent(share) -> str:
    """A share kept as a fraction (0.3000) as people read it (30%)."""
    if share is None or share == "":
        return "—"
    percent = (Decimal(share) * 100).quantize(Decimal("0.01")).normalize()
    return f"{percent:f}%"
