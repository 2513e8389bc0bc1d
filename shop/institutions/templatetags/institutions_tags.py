"""{% organisation_quota_previews %}: for the basket page, what the basket adds to each organisation's quota."""

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
