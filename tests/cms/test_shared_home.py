"""The home page is shared by every signed-in visitor, unless editors restrict who may see it."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from tests import clients, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

sign_in = clients.signed_in


def test_the_home_page_is_shared_by_signed_in_visitors(home):
    first = sign_in(factories.UserFactory(username="a", email="a@example.cn")).get("/")
    second = sign_in(factories.UserFactory(username="b", email="b@example.cn")).get("/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("shared-miss", "shared-hit")
    assert "买一份特产，帮一户农家" in second.content.decode()


def test_a_home_page_restricted_to_a_group_is_never_shared_with_others(home):
    staff_room = Group.objects.create(name="内部")
    restriction = PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(staff_room)
    member = factories.UserFactory(username="member", email="member@example.cn")
    member.groups.add(staff_room)
    outsider = factories.UserFactory(username="outsider", email="outsider@example.cn")

    seen = sign_in(member).get("/")
    refused = sign_in(outsider).get("/")

    assert seen.status_code == 200 and "X-Page-Cache" not in seen
    assert refused.status_code != 200
    assert "买一份特产，帮一户农家" not in refused.content.decode()
