import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from wagtail.models import Site

from cms.models import HomePageFeaturedCampaign, HomePageFeaturedProduct, SiteNavigation
from shop.core.dates import today
from shop.sellers.models import HelpSellFlag
from tests import factories
from tests.cms import factories as cms_factories

pytestmark = pytest.mark.django_db


def test_home_page_shows_hero_featured_certified_products_campaigns_stories_and_news(
    client, home, certified_product, uncertified_product, running_campaign, story, news_index, image
):
    home.hero_slides = [
        ("slide", {"image": image, "title": "赣南脐橙熟了", "text": "产地直发", "link_url": "/catalogue/"})
    ]
    home.save()
    HomePageFeaturedProduct.objects.create(page=home, product=certified_product, sort_order=0)
    HomePageFeaturedProduct.objects.create(page=home, product=uncertified_product, sort_order=1)
    HomePageFeaturedCampaign.objects.create(page=home, campaign=running_campaign)
    cms_factories.add_article(news_index, title="消费帮扶政策解读")

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "赣南脐橙熟了" in html
    assert 'alt="果农在安远县的脐橙果园里采摘"' in html
    assert certified_product.title in html
    assert uncertified_product.title not in html  # home features certified products only
    assert running_campaign.title in html
    assert story.title in html
    assert "消费帮扶政策解读" in html


def test_story_page_renders_every_block_and_marks_sold_out_and_uncertified_products(
    client, story_index, image, county, partner, certified_product, uncertified_product, out_of_stock_product
):
    hidden = factories.ProductFactory(partner=partner, certified=True, title="下架的笋干")
    hidden.is_public = False
    hidden.save()
    story = cms_factories.add_story(
        story_index,
        image=image,
        county=county,
        seller=partner,
        products=[certified_product, uncertified_product, out_of_stock_product, hidden],
    )

    response = client.get(story.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "红土地上的甜蜜事业" in html  # rich text
    assert "种好每一棵树" in html  # quote
    assert "cms-gallery" in html and "figcaption" in html
    assert "player.bilibili.com/player.html?bvid=BV1xx411c7mD" in html  # embedded video, no network
    assert "江西省 赣州市 安远县" in html  # origin block names the county
    cards = html.split('class="cms-product-row"')[1]
    assert certified_product.title in cards
    assert uncertified_product.title in cards and out_of_stock_product.title in cards
    assert cards.count('class="certified-badge"') == 2  # the badge only on certified products
    assert f'data-product-id="{out_of_stock_product.id}"' in cards and "is-sold-out" in cards
    assert "下架的笋干" not in html  # unpublished products are left out


def test_story_page_survives_a_featured_product_being_deleted_or_losing_its_certificate(
    client, story_index, certified_product, partner
):
    doomed = factories.ProductFactory(partner=partner, certified=True, title="将被删除的茶叶")
    story = cms_factories.add_story(story_index, products=[certified_product, doomed])
    doomed.delete()
    certified_product.certificates.update(status="revoked")

    response = client.get(story.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert certified_product.title in html
    assert "将被删除的茶叶" not in html
    assert 'class="certified-badge"' not in html


def test_story_index_lists_published_stories_only(client, story_index, certified_product):
    cms_factories.add_story(story_index, title="景迈山古茶")
    cms_factories.add_story(story_index, title="还在写的草稿", live=False)

    html = client.get(story_index.url).content.decode()

    assert "景迈山古茶" in html
    assert "还在写的草稿" not in html


def test_unpublished_story_is_not_served(client, story_index):
    draft = cms_factories.add_story(story_index, title="草稿故事", live=False)

    assert client.get(draft.url or "/stories/cao-gao-gu-shi/").status_code == 404


def test_news_index_paginates_and_filters_by_tag(client, news_index):
    for day in range(12):
        cms_factories.add_article(
            news_index,
            title=f"新闻{day:02d}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            tags=["政策解读"] if day % 2 else ["典型案例"],
        )

    first = client.get(news_index.url).content.decode()
    second = client.get(news_index.url, {"page": 2}).content.decode()
    tagged = client.get(news_index.url, {"tag": "典型案例"}).content.decode()
    beyond = client.get(news_index.url, {"page": 99})

    assert "新闻11" in first and "新闻02" in first and "新闻01" not in first
    assert "新闻01" in second and "新闻00" in second and "新闻11" not in second
    assert "新闻00" in tagged and "新闻01" not in tagged
    assert beyond.status_code == 200


def test_news_article_renders_with_tags_and_date(client, news_index):
    article = cms_factories.add_article(news_index, date=datetime.date(2026, 3, 5), tags=["典型案例"])

    html = client.get(article.url).content.decode()

    assert "2026-03-05" in html
    assert "?tag=%E5%85%B8%E5%9E%8B%E6%A1%88%E4%BE%8B" in html


def test_training_page_lists_attachments_and_document_blocks(client, training_index):
    document = cms_factories.make_document("网店运营课件")
    training = cms_factories.add_training(training_index, document=document)

    html = client.get(training.url).content.decode()
    index_html = client.get(training_index.url).content.decode()

    assert "开店流程图解" in html
    assert document.url in html
    assert "player.bilibili.com" in html
    assert training.title in index_html


def test_every_page_has_seo_title_description_and_social_image(client, story_index, image):
    story = cms_factories.add_story(
        story_index, image=image, seo_title="安远脐橙 | 品牌故事", search_description="赣南脐橙的产地故事"
    )

    html = client.get(story.url).content.decode()

    assert "<title>安远脐橙 | 品牌故事" in html
    assert '<meta name="description" content="赣南脐橙的产地故事"' in html
    assert 'property="og:image"' in html and "fill-1200x630" in html
    assert 'rel="canonical"' in html


def test_navigation_and_footer_come_from_cms_settings(home, news_index):
    navigation = SiteNavigation.load()
    navigation.menu = [
        ("link", {"label": "新闻动态", "page": news_index, "url": ""}),
        ("link", {"label": "全部商品", "url": "/catalogue/"}),
    ]
    navigation.footer_columns = [
        ("column", {"heading": "关于我们", "links": [{"label": "联系我们", "url": "/contact/"}]})
    ]
    navigation.icp_number = "京ICP备2026000001号"
    navigation.save()
    request = RequestFactory().get("/")
    request.site = Site.objects.get(is_default_site=True)

    menu = render_to_string("cms/includes/navigation.html", request=request)
    footer = render_to_string("cms/includes/footer.html", request=request)

    assert 'href="/news/"' in menu and "全部商品" in menu
    assert "联系我们" in footer and "京ICP备2026000001号" in footer


def test_home_page_help_sell_rail_shows_products_flagged_by_sellers(
    client, home, certified_product, uncertified_product
):
    HelpSellFlag.objects.create(
        product=uncertified_product,
        quantity=500,
        reason="harvest_glut",
        until=today() + datetime.timedelta(days=10),
    )

    html = client.get("/").content.decode()

    rail = html.split("cms-help-sell")[1]
    assert uncertified_product.title in rail
    assert certified_product.title not in rail
