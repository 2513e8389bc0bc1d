"""Reactions to Wagtail's publishing, which we do not own: keep campaign offers in step with their pages."""

from django.db.models.signals import pre_delete
from wagtail.signals import page_published, page_unpublished

from cms import campaigns


def _sync_campaign_offer(sender, instance, **kwargs):
    campaigns.sync_offer(instance)


def _withdraw_campaign_offer(sender, instance, **kwargs):
    campaigns.withdraw_offer(instance)


def connect():
    from cms.models import CampaignPage

    page_published.connect(_sync_campaign_offer, sender=CampaignPage, dispatch_uid="cms_campaign_published")
    # Wagtail also sends page_unpublished, without saving, just before deleting a live page.
    page_unpublished.connect(
        _withdraw_campaign_offer, sender=CampaignPage, dispatch_uid="cms_campaign_unpublished"
    )
    pre_delete.connect(_withdraw_campaign_offer, sender=CampaignPage, dispatch_uid="cms_campaign_deleted")
