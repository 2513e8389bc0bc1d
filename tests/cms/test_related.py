import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from cms import related
from tests import factories
from tests.cms import factories as cms_factories

pytestmark = pytest.mark.django_db


def test_product_page_links_to_the_story_that_features_it_and_the_story_links_back(
    client, story_index, certified_product
):
    story = cms_factories.add_story(story_index, title="安远脐橙的故事", products=[certified_product])

    product_html = client.get(certified_product.get_absolute_url()).content.decode()
    story_html = client.get(story.url).content.decode()

    assert f'href="{story.url}"' in product_html and "安远脐橙的故事" in product_html
    assert f'href="{certified_product.get_absolute_url()}"' in story_html


def test_product_lists_pages_featuring_its_seller_or_county_or_category_and_campaigns_featuring_it(
    story_index, campaign_index, county, partner, certified_product
):
    other_county = factories.CountyFactory(code="433124", name="花垣县")
    about_seller = cms_factories.add_story(story_index, title="合作社的故事", seller=partner)
    about_county = cms_factories.add_story(story_index, title="安远县的故事", county=county)
    elsewhere = cms_factories.add_story(story_index, title="花垣县的故事", county=other_county)
    now = timezone.now()
    campaign = cms_factories.add_campaign(
        campaign_index,
        products=[certified_product],
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1),
    )

    pages = set(related.pages_featuring(product=certified_product))

    assert {page.pk for page in pages} == {about_seller.pk, about_county.pk, campaign.pk}
    assert elsewhere.pk not in {page.pk for page in pages}


def test_draft_and_unpublished_pages_are_not_listed(story_index, certified_product):
    cms_factories.add_story(story_index, title="草稿", products=[certified_product], live=False)
    withdrawn = cms_factories.add_story(story_index, title="已撤下", products=[certified_product])
    withdrawn.unpublish()

    assert list(related.pages_featuring(product=certified_product)) == []


def test_home_page_featuring_a_product_is_not_listed_as_a_related_page(home, certified_product):
    from cms.models import HomePageFeaturedProduct

    HomePageFeaturedProduct.objects.create(page=home, product=certified_product)
    home.save_revision().publish()

    assert list(related.pages_featuring(product=certified_product)) == []


def test_seller_and_county_partials_list_their_pages(story_index, county, partner):
    cms_factories.add_story(story_index, title="合作社的故事", seller=partner)
    cms_factories.add_story(story_index, title="安远县的故事", county=county)

    seller_html = render_to_string("cms/includes/related_pages.html", {"seller": partner})
    county_html = render_to_string("cms/includes/related_pages.html", {"county": county})

    assert "合作社的故事" in seller_html and "安远县的故事" not in seller_html
    assert "安远县的故事" in county_html and "合作社的故事" not in county_html


def test_partial_renders_nothing_without_related_pages(certified_product):
    assert render_to_string("cms/includes/related_pages.html", {"product": certified_product}).strip() == ""


def test_county_page_lists_its_stories_and_products_and_story_links_to_it(
    client, story_index, county, certified_product
):
    story = cms_factories.add_story(story_index, title="安远县的故事", county=county)
    county_url = f"{story_index.url}county/{county.code}/"

    county_html = client.get(county_url).content.decode()
    story_html = client.get(story.url).content.decode()

    assert "江西省 赣州市 安远县" in county_html
    assert f'href="{story.url}"' in county_html
    assert f'data-product-id="{certified_product.pk}"' in county_html
    assert f'href="{county_url}"' in story_html


def test_seller_page_lists_its_stories_and_products(client, story_index, partner, certified_product):
    other_seller = factories.PartnerFactory(name="别家合作社")
    other_product = factories.ProductFactory(partner=other_seller, title="别家的蜂蜜")
    story = cms_factories.add_story(story_index, title="合作社的故事", seller=partner)

    html = client.get(f"{story_index.url}seller/{partner.pk}/").content.decode()

    assert partner.name in html
    assert f'href="{story.url}"' in html
    assert f'data-product-id="{certified_product.pk}"' in html
    assert f'data-product-id="{other_product.pk}"' not in html


def test_unknown_county_or_seller_page_is_404(client, story_index, partner):
    assert client.get(f"{story_index.url}county/999999/").status_code == 404
    assert client.get(f"{story_index.url}seller/987654/").status_code == 404
    assert client.get(f"{story_index.url}county/360700/").status_code == 404  # a city, not a county
