import pytest
from django.contrib.auth.models import Group
from oscar.core.loading import get_model
from wagtail.models import Page

from cms.models import (
    BrandStoryPage,
    CampaignIndexPage,
    CampaignPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    SiteNavigation,
    StoryIndexPage,
    TrainingIndexPage,
    TrainingPage,
)
from devtools.demo import cms as demo
from tests import factories

ConditionalOffer = get_model("offer", "ConditionalOffer")

pytestmark = pytest.mark.django_db


@pytest.fixture
def core_demo(db, county, partner):
    editor = factories.UserFactory(username="editor", email="editor@example.com")
    reviewer = factories.UserFactory(username="reviewer", email="reviewer@example.com")
    oranges = [
        factories.ProductFactory(partner=partner, upc=upc, certified=True) for upc in ("AM00001", "AM00004")
    ]
    return editor, reviewer, oranges


def test_demo_loader_publishes_every_page_type_and_assigns_editorial_groups(client, core_demo):
    editor, reviewer, oranges = core_demo

    demo.load()
    demo.load()  # idempotent

    for model in (
        HomePage,
        StoryIndexPage,
        BrandStoryPage,
        CampaignIndexPage,
        CampaignPage,
        NewsIndexPage,
        NewsArticlePage,
        TrainingIndexPage,
        TrainingPage,
    ):
        assert model.objects.live().exists(), model
    assert BrandStoryPage.objects.count() == 3
    assert NewsArticlePage.objects.count() == 4
    assert ConditionalOffer.objects.filter(status=ConditionalOffer.OPEN).count() == 1
    assert editor.groups.filter(name="Editors").exists()
    assert reviewer.groups.filter(name="Reviewers").exists()
    assert Group.objects.filter(name__in=["Editors", "Reviewers"]).count() == 2
    assert SiteNavigation.load().menu
    for page in Page.objects.live().filter(depth__gt=1).specific():
        assert client.get(page.url).status_code == 200, page.url
