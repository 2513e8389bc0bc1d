import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import (
    CampaignIndexPage,
    HomePage,
    NewsIndexPage,
    StoryIndexPage,
    TrainingIndexPage,
)
from tests import factories
from tests.cms import factories as cms_factories


@pytest.fixture
def home(db):
    """A HomePage as the default site's root, so CMS pages are served at /…/."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="首页", slug="aidmarket-home", hero_title="买一份特产，帮一户农家")
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


@pytest.fixture
def story_index(home):
    return home.add_child(instance=StoryIndexPage(title="品牌故事", slug="stories"))


@pytest.fixture
def campaign_index(home):
    return home.add_child(instance=CampaignIndexPage(title="助农活动", slug="campaigns"))


@pytest.fixture
def news_index(home):
    return home.add_child(instance=NewsIndexPage(title="新闻动态", slug="news"))


@pytest.fixture
def training_index(home):
    return home.add_child(instance=TrainingIndexPage(title="电商培训", slug="training"))


@pytest.fixture
def image(db):
    return cms_factories.make_image("安远脐橙果园", description="果农在安远县的脐橙果园里采摘")


@pytest.fixture
def out_of_stock_product(db, partner):
    return factories.ProductFactory(partner=partner, certified=True, title="寻乌蜜柚 已售罄", num_in_stock=0)


@pytest.fixture
def story(story_index, certified_product, image):
    return cms_factories.add_story(story_index, products=[certified_product], image=image)


@pytest.fixture
def running_campaign(campaign_index, certified_product):
    now = timezone.now()
    return cms_factories.add_campaign(
        campaign_index,
        products=[certified_product],
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=10),
        discount_percent=10,
    )
