import pytest

from tests import factories
from tests.cms import factories as cms_factories

pytestmark = pytest.mark.django_db


def test_sitemap_lists_published_cms_pages_and_public_products(
    client, story_index, news_index, certified_product, partner
):
    story = cms_factories.add_story(story_index, title="安远脐橙的故事")
    draft = cms_factories.add_story(story_index, title="草稿故事", live=False)
    article = cms_factories.add_article(news_index, title="政策解读")
    hidden = factories.ProductFactory(partner=partner, title="未上架商品")
    hidden.is_public = False
    hidden.save()

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    assert f"{story.url}</loc>" in xml and f"{article.url}</loc>" in xml and f"{story_index.url}</loc>" in xml
    assert f"/{draft.slug}/</loc>" not in xml
    assert f"{certified_product.get_absolute_url()}</loc>" in xml
    assert f"{hidden.get_absolute_url()}</loc>" not in xml
