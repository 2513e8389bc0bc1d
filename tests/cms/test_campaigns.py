import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from cms import campaigns
from cms.models import CampaignDiscount, CampaignPage
from tests import factories
from tests.cms import factories as cms_factories

ConditionalOffer = get_model("offer", "ConditionalOffer")

pytestmark = pytest.mark.django_db


def basket_after_adding(client, user, product):
    client.force_login(user)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    return client.get(reverse("basket:summary")).context["basket"]


def test_running_campaign_discounts_exactly_its_products_in_the_basket(
    client, consumer, running_campaign, certified_product, partner
):
    other = factories.ProductFactory(partner=partner, certified=True, title="不参加活动的木耳")

    basket = basket_after_adding(client, consumer, certified_product)
    assert basket.total_discount == Decimal("3.99")  # 10% of 39.90

    client.post(reverse("basket:add", kwargs={"pk": other.pk}), {"quantity": 1})
    basket = client.get(reverse("basket:summary")).context["basket"]
    assert basket.total_discount == Decimal("3.99")
    assert basket.total_incl_tax == Decimal("75.81")


def test_campaign_before_its_start_gives_no_discount_and_says_when_it_starts(
    client, consumer, campaign_index, certified_product
):
    now = timezone.now()
    upcoming = cms_factories.add_campaign(
        campaign_index,
        products=[certified_product],
        discount_percent=10,
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=9),
    )

    basket = basket_after_adding(client, consumer, certified_product)
    page = client.get(upcoming.url).content.decode()

    assert basket.total_discount == 0
    assert "cms-campaign-upcoming" in page


def test_ended_campaign_gives_no_discount_disappears_from_listing_and_says_it_ended(
    client, consumer, campaign_index, certified_product
):
    now = timezone.now()
    ended = cms_factories.add_campaign(
        campaign_index,
        title="国庆丰收节",
        products=[certified_product],
        discount_percent=15,
        starts_at=now - datetime.timedelta(days=20),
        ends_at=now - datetime.timedelta(hours=1),
    )

    basket = basket_after_adding(client, consumer, certified_product)
    listing = client.get(campaign_index.url).content.decode()
    page = client.get(ended.url).content.decode()

    assert basket.total_discount == 0
    assert "国庆丰收节" not in listing
    assert "cms-campaign-ended" in page
    assert f'data-product-id="{certified_product.pk}"' not in page


def test_unpublishing_a_campaign_suspends_its_discount(client, consumer, running_campaign, certified_product):
    running_campaign.unpublish()

    basket = basket_after_adding(client, consumer, certified_product)

    assert basket.total_discount == 0
    assert running_campaign.discount.offer.status == ConditionalOffer.SUSPENDED


def test_draft_campaign_creates_no_offer(campaign_index, certified_product):
    now = timezone.now()
    draft = cms_factories.add_campaign(
        campaign_index,
        products=[certified_product],
        discount_percent=10,
        live=False,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1),
    )

    assert not CampaignDiscount.objects.filter(campaign=draft).exists()


def test_republishing_with_new_dates_products_and_rate_updates_the_same_offer(
    running_campaign, certified_product, partner
):
    offer = running_campaign.discount.offer
    extra = factories.ProductFactory(partner=partner, certified=True, title="寻乌蜜柚")
    page = CampaignPage.objects.get(pk=running_campaign.pk)
    page.discount_percent = Decimal("20")
    page.ends_at = timezone.now() + datetime.timedelta(days=2)
    page.campaign_products.clear()
    page.campaign_products.add(page.campaign_products.model(product=extra))
    page.save_revision().publish()

    offer.refresh_from_db()
    assert ConditionalOffer.objects.count() == 1
    assert offer.benefit.value == Decimal("20.0")
    assert offer.end_datetime == page.ends_at
    assert list(offer.benefit.range.all_products()) == [extra]
    assert offer.is_open


def test_campaign_over_a_category_discounts_the_category_products(client, consumer, campaign_index, partner):
    category = factories.CategoryFactory(name="茶叶")
    tea = factories.ProductFactory(partner=partner, certified=True, title="湄潭翠芽", categories=[category])
    now = timezone.now()
    campaign = cms_factories.add_campaign(
        campaign_index,
        category=category,
        discount_percent=10,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1),
    )

    basket = basket_after_adding(client, consumer, tea)

    assert basket.total_discount == Decimal("3.99")
    assert "湄潭翠芽" in client.get(campaign.url).content.decode()


def test_deleting_a_campaign_page_withdraws_its_discount(
    client, consumer, running_campaign, certified_product
):
    offer = running_campaign.discount.offer
    running_campaign.delete()

    basket = basket_after_adding(client, consumer, certified_product)

    offer.refresh_from_db()
    assert offer.is_suspended
    assert basket.total_discount == 0


def test_campaign_page_shows_uncertified_and_sold_out_products_without_crashing(
    client, campaign_index, uncertified_product, partner
):
    sold_out = factories.ProductFactory(partner=partner, certified=True, title="售罄的蜂蜜", num_in_stock=0)
    now = timezone.now()
    campaign = cms_factories.add_campaign(
        campaign_index,
        products=[uncertified_product, sold_out],
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1),
    )

    response = client.get(campaign.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert uncertified_product.title in html and "售罄的蜂蜜" in html and "is-sold-out" in html


def test_campaign_must_end_after_it_starts(campaign_index):
    now = timezone.now()
    page = CampaignPage(
        title="错误日期", slug="bad", starts_at=now, ends_at=now - datetime.timedelta(hours=1)
    )

    with pytest.raises(Exception) as error:
        page.full_clean()

    assert "ends_at" in str(error.value)


def test_sync_offer_is_idempotent(running_campaign):
    first = campaigns.sync_offer(running_campaign)
    second = campaigns.sync_offer(running_campaign)

    assert first.pk == second.pk
    assert ConditionalOffer.objects.count() == 1


def test_scheduled_campaign_gets_its_discount_when_published_and_loses_it_when_it_expires(
    campaign_index, certified_product
):
    now = timezone.now()
    page = cms_factories.add_campaign(
        campaign_index,
        products=[certified_product],
        discount_percent=10,
        live=False,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=5),
    )
    page.go_live_at = now + datetime.timedelta(hours=1)
    page.save_revision().publish()
    assert not CampaignPage.objects.get(pk=page.pk).live
    assert not CampaignDiscount.objects.filter(campaign=page).exists()

    # an hour passes: the scheduled time is now behind us
    revision = page.revisions.get(approved_go_live_at__isnull=False)
    revision.approved_go_live_at = now - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = revision.approved_go_live_at.isoformat()
    revision.save()
    call_command("publish_scheduled")

    offer = CampaignDiscount.objects.get(campaign=page).offer
    assert CampaignPage.objects.get(pk=page.pk).live and offer.is_open

    CampaignPage.objects.filter(pk=page.pk).update(expire_at=now - datetime.timedelta(minutes=1))
    call_command("publish_scheduled")

    offer.refresh_from_db()
    assert not CampaignPage.objects.get(pk=page.pk).live
    assert offer.is_suspended
