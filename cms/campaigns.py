"""Campaigns: which products take part, and the Oscar offer that carries a campaign's discount.

The offer is a site offer whose range is exactly the campaign's chosen products plus its category,
whose dates are the campaign's, and which is open only while the campaign page is live. Oscar's
basket applicator only applies open offers inside their dates, so the discount follows the campaign.
"""

from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

from cms.products import product_cards

ConditionalOffer = get_model("offer", "ConditionalOffer")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Range = get_model("offer", "Range")
Product = get_model("catalogue", "Product")

CATEGORY_PRODUCTS_SHOWN = 48


def campaign_product_ids(campaign) -> list[int]:
    """The chosen products in the editor's order, then the category's listable products."""
    ids = [item.product_id for item in campaign.campaign_products.all()]
    if campaign.category_id:
        category_ids = (
            Product.objects.listable()
            .filter(categories__in=campaign.category.get_descendants_and_self())
            .exclude(id__in=ids)
            .order_by("-date_created", "-id")
            .values_list("id", flat=True)
            .distinct()[:CATEGORY_PRODUCTS_SHOWN]
        )
        ids.extend(category_ids)
    return list(dict.fromkeys(ids))


def campaign_products(campaign):
    """Product cards for a campaign page: public products, flagged for certification and stock."""
    return product_cards(campaign_product_ids(campaign))


def offer_name(campaign) -> str:
    return f"{campaign.title[:100]} (#{campaign.pk})"


def sync_offer(campaign):
    """Create, update or suspend the campaign's offer to match its live state; returns the offer or None."""
    from cms.models import CampaignDiscount, CampaignPage

    with transaction.atomic():
        campaign = CampaignPage.objects.select_for_update().get(pk=campaign.pk)
        link = CampaignDiscount.objects.select_related("offer").filter(campaign=campaign).first()
        chosen = [item.product_id for item in campaign.campaign_products.all()]
        wanted = bool(campaign.live and campaign.discount_percent and (chosen or campaign.category_id))

        if not wanted:
            if link is not None and not link.offer.is_suspended:
                link.offer.suspend()
            return link.offer if link else None

        offer_range = _sync_range(link.offer.benefit.range if link else None, campaign, chosen)
        if link is None:
            condition = Condition.objects.create(range=offer_range, type=Condition.COUNT, value=1)
            benefit = Benefit.objects.create(range=offer_range, type=Benefit.PERCENTAGE, value=Decimal(0))
            offer = ConditionalOffer(condition=condition, benefit=benefit, offer_type=ConditionalOffer.SITE)
        else:
            offer = link.offer
            benefit = offer.benefit
        benefit.value = campaign.discount_percent
        benefit.save(update_fields=["value"])

        offer.name = offer_name(campaign)
        offer.description = campaign.title
        offer.start_datetime = campaign.starts_at
        offer.end_datetime = campaign.ends_at
        offer.status = ConditionalOffer.OPEN
        offer.save()
        if link is None:
            CampaignDiscount.objects.create(campaign=campaign, offer=offer)
        return offer


def _sync_range(offer_range, campaign, chosen):
    if offer_range is None:
        offer_range = Range.objects.create(name=offer_name(campaign), is_public=False)
    else:
        offer_range.name = offer_name(campaign)
        offer_range.save(update_fields=["name"])
    offer_range.included_products.set(chosen)
    offer_range.included_categories.set([campaign.category_id] if campaign.category_id else [])
    offer_range.invalidate_cached_queryset()
    return offer_range


def withdraw_offer(campaign) -> None:
    """Suspend the campaign's offer: its page was unpublished, expired or is being deleted."""
    from cms.models import CampaignDiscount

    link = CampaignDiscount.objects.select_related("offer").filter(campaign_id=campaign.pk).first()
    if link is not None and not link.offer.is_suspended:
        link.offer.suspend()
