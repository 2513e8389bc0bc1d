"""Oscar's staff dashboard prints some values and labels from code identifiers; ours show words in Chinese."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def granted(user, app_label, *codenames):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    return user


@pytest.fixture
def offer_manager(staff_user):
    return granted(
        staff_user, "offer", "view_conditionaloffer", "add_conditionaloffer", "change_conditionaloffer"
    )


def test_an_offer_step_reached_too_early_names_the_missing_step_in_chinese(client, offer_manager):
    client.force_login(offer_manager)

    response = client.get(reverse("dashboard:offer-benefit"), HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard:offer-metadata")
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["请先完成“基本信息”这一步"]
    assert "Metadata" not in response.content.decode()


def test_the_users_table_says_yes_or_no_and_heads_the_name_column_in_chinese(client, staff_user):
    factories.UserFactory(username="inactive", email="inactive@example.cn", is_active=False)
    client.force_login(granted(staff_user, "auth", "view_user"))

    page = client.get(reverse("dashboard:users-index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert ">是</td>" in page and ">否</td>" in page
    assert ">True</td>" not in page and ">False</td>" not in page
    assert "姓名" in page and ">Name <" not in page


def test_staff_who_may_not_see_the_dashboard_get_no_offer_step(client, consumer):
    client.force_login(consumer)

    response = client.get(reverse("dashboard:offer-benefit"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code in (302, 403)
    assert reverse("dashboard:offer-metadata") not in response.get("Location", "")
