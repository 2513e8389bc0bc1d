import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page, WorkflowState

from cms import roles
from tests import factories
from tests.cms import factories as cms_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(db):
    return roles.install()


@pytest.fixture
def editor(groups):
    user = factories.UserFactory(username="editor", email="editor@example.cn")
    user.groups.add(groups[0])
    return user


@pytest.fixture
def reviewer(groups):
    user = factories.UserFactory(username="reviewer", email="reviewer@example.cn")
    user.groups.add(groups[1])
    return user


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_editor_is_refused_by_oscar_dashboard_but_admitted_to_the_cms(client, editor, home):
    client.force_login(editor)

    assert client.get(reverse("dashboard:index")).status_code == 403
    assert client.get(reverse("dashboard:catalogue-product-list")).status_code == 403
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(edit_url(home)).status_code == 200


def test_shopper_is_refused_by_the_cms(client, consumer, home):
    client.force_login(consumer)

    response = client.get(edit_url(home))

    assert response.status_code in (302, 403)


def test_editor_saves_a_draft_without_changing_the_live_page(django_app, editor, news_index):
    form = django_app.get(edit_url(news_index), user=editor.username).forms["page-edit-form"]
    form["title"] = "新闻与典型案例"

    form.submit()

    live = Page.objects.get(pk=news_index.pk)
    assert live.title == "新闻动态"
    assert live.get_latest_revision_as_object().title == "新闻与典型案例"
    assert live.has_unpublished_changes


def test_moderation_workflow_blocks_direct_publishing_by_editors(django_app, editor, news_index):
    response = django_app.get(edit_url(news_index), user=editor.username)
    form = response.forms["page-edit-form"]
    assert 'name="action-publish"' not in response.text
    form["title"] = "直接发布的标题"

    form.submit("action-publish", value="action-publish")

    assert Page.objects.get(pk=news_index.pk).title == "新闻动态"
    assert not WorkflowState.objects.filter(object_id=str(news_index.pk), status="approved").exists()


def test_editor_submits_and_reviewer_approval_publishes(django_app, client, editor, reviewer, news_index):
    form = django_app.get(edit_url(news_index), user=editor.username).forms["page-edit-form"]
    form["title"] = "审核后发布的标题"
    form.submit("action-submit")

    page = Page.objects.get(pk=news_index.pk)
    state = page.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert page.title == "新闻动态"

    client.force_login(editor)
    refused = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.current_task_state.pk]),
        {"comment": ""},
    )
    assert refused.status_code in (302, 403)
    assert Page.objects.get(pk=news_index.pk).title == "新闻动态"

    client.force_login(reviewer)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.current_task_state.pk]),
        {"comment": "同意发布"},
    )

    page = Page.objects.get(pk=news_index.pk)
    assert page.title == "审核后发布的标题"
    assert page.live and not page.has_unpublished_changes


def test_page_editor_warns_about_unpublished_out_of_stock_and_uncertified_featured_products(
    client, editor, story_index, campaign_index, certified_product, uncertified_product, partner
):
    sold_out = factories.ProductFactory(partner=partner, certified=True, title="售罄的腊肉", num_in_stock=0)
    hidden = factories.ProductFactory(partner=partner, certified=True, title="已下架的茶油")
    hidden.is_public = False
    hidden.save()
    story = cms_factories.add_story(
        story_index, products=[certified_product, uncertified_product, sold_out, hidden]
    )
    now = timezone.now()
    campaign = cms_factories.add_campaign(
        campaign_index,
        products=[sold_out],
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1),
    )
    client.force_login(editor)

    story_editor = client.get(edit_url(story)).content.decode()
    campaign_editor = client.get(edit_url(campaign)).content.decode()

    warnings = story_editor.split("data-cms-product-warnings")[1].split("</div>")[0]
    assert uncertified_product.title in warnings
    assert "售罄的腊肉" in warnings and "已下架的茶油" in warnings
    assert certified_product.title not in warnings
    assert "data-cms-product-warnings" in campaign_editor and "售罄的腊肉" in campaign_editor


def test_page_editor_shows_no_warning_when_featured_products_are_fine(
    client, editor, story_index, certified_product
):
    story = cms_factories.add_story(story_index, products=[certified_product])
    client.force_login(editor)

    assert "data-cms-product-warnings" not in client.get(edit_url(story)).content.decode()


def _jpeg():
    buffer = io.BytesIO()
    PILImage.new("RGB", (80, 60), (200, 100, 50)).save(buffer, "JPEG")
    return SimpleUploadedFile("orchard.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_images_require_alt_text(client, editor):
    client.force_login(editor)

    refused = client.post(reverse("wagtailimages:add"), {"title": "果园", "file": _jpeg(), "description": ""})
    accepted = client.post(
        reverse("wagtailimages:add"), {"title": "果园", "file": _jpeg(), "description": "果园里的脐橙树"}
    )

    assert refused.status_code == 200 and Image.objects.filter(description="").count() == 0
    assert accepted.status_code == 302
    assert Image.objects.get().description == "果园里的脐橙树"


def test_roles_install_is_idempotent(groups):
    editors, reviewers = roles.install()

    assert (editors.pk, reviewers.pk) == (groups[0].pk, groups[1].pk)
    assert editors.page_permissions.count() == len(roles.EDITOR_PAGE_PERMISSIONS)
    assert not editors.page_permissions.filter(permission__codename="publish_page").exists()
    assert reviewers.page_permissions.filter(permission__codename="publish_page").exists()


@pytest.mark.parametrize(
    "model_name, parent_fixture",
    [
        ("storyindexpage", "home"),
        ("brandstorypage", "story_index"),
        ("campaignindexpage", "home"),
        ("campaignpage", "campaign_index"),
        ("newsindexpage", "home"),
        ("newsarticlepage", "news_index"),
        ("trainingindexpage", "home"),
        ("trainingpage", "training_index"),
    ],
)
def test_editor_can_open_the_create_form_of_every_page_type(
    client, editor, request, model_name, parent_fixture
):
    parent = request.getfixturevalue(parent_fixture)
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_pages:add", args=["cms", model_name, parent.pk]))

    assert response.status_code == 200


def test_editor_can_edit_navigation_settings(client, editor, home):
    client.force_login(editor)

    response = client.get(reverse("wagtailsettings:edit", args=["cms", "sitenavigation"]), follow=True)

    assert response.status_code == 200
    assert 'name="icp_number"' in response.content.decode()


def admin_form_data(django_app, url, user):
    """The fields of a Wagtail page form as a browser would submit them (StreamFields are JS-built: add their counts)."""
    form = django_app.get(url, user=user.username).forms["page-edit-form"]
    return {name: value for name, value in form.submit_fields() if not name.startswith("action-")}


def test_editor_creates_a_campaign_in_the_admin_and_reviewer_approval_starts_its_discount(
    django_app, client, editor, reviewer, campaign_index, certified_product, consumer
):
    from oscar.core.loading import get_model

    from cms.models import CampaignPage

    ConditionalOffer = get_model("offer", "ConditionalOffer")
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", campaign_index.pk])
    data = admin_form_data(django_app, add_url, editor)
    now = timezone.localtime()
    data.update(
        {
            "title": "丰收节助农专场",
            "slug": "harvest-festival",
            "starts_at": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
            "ends_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%d %H:%M"),
            "discount_percent": "20",
            "body-count": "0",
            "campaign_products-TOTAL_FORMS": "1",
            "campaign_products-0-product": str(certified_product.pk),
            "campaign_products-0-ORDER": "1",
            "campaign_products-0-id": "",
            "campaign_products-0-DELETE": "",
            "action-submit": "action-submit",
        }
    )
    client.force_login(editor)

    response = client.post(add_url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = CampaignPage.objects.get(slug="harvest-festival")
    assert not page.live and not ConditionalOffer.objects.exists()

    client.force_login(reviewer)
    task_state = page.current_workflow_state.current_task_state
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": ""},
    )

    page.refresh_from_db()
    assert page.live
    client.force_login(consumer)
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})
    assert client.get(reverse("basket:summary")).context["basket"].total_discount == Decimal("7.98")


def test_campaign_discount_without_products_or_category_is_refused(
    django_app, client, editor, campaign_index
):
    from cms.models import CampaignPage

    add_url = reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", campaign_index.pk])
    data = admin_form_data(django_app, add_url, editor)
    now = timezone.localtime()
    data.update(
        {
            "title": "空活动",
            "slug": "empty-campaign",
            "discount_percent": "10",
            "body-count": "0",
            "starts_at": now.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%d %H:%M"),
        }
    )
    client.force_login(editor)

    refused = client.post(add_url, data)
    accepted = client.post(add_url, {**data, "category": str(factories.CategoryFactory(name="年货").pk)})

    assert refused.status_code == 200
    assert (
        "Choose products or a category" in refused.content.decode()
        or "请选择商品或分类" in refused.content.decode()
    )
    assert accepted.status_code == 302
    assert CampaignPage.objects.filter(slug="empty-campaign").count() == 1
