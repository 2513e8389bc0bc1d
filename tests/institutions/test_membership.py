"""An organisation that has an administrator keeps one; the rule holds for the domain function and the page."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from shop.core.exceptions import DomainError, InvalidInput, InvalidState, NotPermitted
from shop.institutions import membership
from shop.institutions.models import Membership
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LAST_ADMINISTRATOR = "单位必须保留至少一名管理员：请先将其他成员设为管理员。"


def member_of(organisation, user) -> Membership:
    return Membership.objects.get(organisation=organisation, user=user)


def update_url(organisation, member: Membership) -> str:
    return reverse("institutions:member-update", kwargs={"pk": organisation.pk, "member": member.pk})


@pytest.fixture
def second_admin(db, organisation):
    user = factories.UserFactory(username="admin2", email="admin2@example.cn")
    MembershipFactory(organisation=organisation, user=user, is_buyer=False, is_administrator=True)
    return user


def test_the_last_administrator_cannot_be_removed(org_admin, organisation):
    with pytest.raises(InvalidState) as refusal:
        membership.remove(member_of(organisation, org_admin), by=org_admin)

    assert refusal.value.code == "last_administrator"
    assert member_of(organisation, org_admin).is_administrator


def test_the_last_administrator_cannot_lose_the_role(org_admin, organisation):
    with pytest.raises(InvalidState):
        membership.set_roles(
            member_of(organisation, org_admin),
            by=org_admin,
            is_buyer=True,
            is_approver=True,
            is_administrator=False,
        )

    assert member_of(organisation, org_admin).is_administrator
    assert not member_of(organisation, org_admin).is_approver  # nothing of the refused change was saved


def test_staff_cannot_remove_the_last_administrator_either(org_admin, organisation, staff_user):
    with pytest.raises(InvalidState):
        membership.remove(member_of(organisation, org_admin), by=staff_user)

    assert member_of(organisation, org_admin).is_administrator


def test_an_administrator_may_leave_when_another_one_remains(org_admin, second_admin, organisation):
    membership.remove(member_of(organisation, org_admin), by=org_admin)

    assert not Membership.objects.filter(organisation=organisation, user=org_admin).exists()
    with pytest.raises(InvalidState):
        membership.remove(member_of(organisation, second_admin), by=second_admin)


def test_other_members_come_and_go_freely(org_admin, buyer, organisation, outsider):
    added = membership.add(organisation, user=outsider, by=org_admin, is_approver=True)
    membership.set_roles(added, by=org_admin, is_buyer=False, is_approver=False, is_administrator=True)
    membership.remove(member_of(organisation, buyer), by=org_admin)

    assert member_of(organisation, outsider).is_administrator
    assert not Membership.objects.filter(organisation=organisation, user=buyer).exists()


def test_only_an_administrator_of_the_organisation_manages_its_members(
    buyer, org_admin, organisation, outsider
):
    with pytest.raises(NotPermitted):
        membership.add(organisation, user=outsider, by=buyer)
    with pytest.raises(NotPermitted):
        membership.remove(member_of(organisation, org_admin), by=buyer)

    assert not Membership.objects.filter(user=outsider).exists()
    assert member_of(organisation, org_admin).is_administrator


def test_adding_a_member_twice_is_refused(org_admin, buyer, organisation):
    with pytest.raises(InvalidInput):
        membership.add(organisation, user=buyer, by=org_admin)

    assert Membership.objects.filter(organisation=organisation, user=buyer).count() == 1


def test_removing_the_last_administrator_on_the_page_is_refused_with_a_reason(
    client, org_admin, organisation
):
    client.force_login(org_admin)
    own = member_of(organisation, org_admin)

    response = client.post(
        update_url(organisation, own), {"remove": "1", "is_administrator": "on"}, follow=True
    )

    assert response.status_code == 200
    assert LAST_ADMINISTRATOR in response.content.decode()
    assert member_of(organisation, org_admin).is_administrator


def test_unticking_the_last_administrator_on_the_page_is_refused_with_a_reason(
    client, org_admin, organisation
):
    client.force_login(org_admin)
    own = member_of(organisation, org_admin)

    response = client.post(update_url(organisation, own), {"is_buyer": "on"}, follow=True)

    assert LAST_ADMINISTRATOR in response.content.decode()
    own.refresh_from_db()
    assert own.is_administrator and not own.is_buyer


def test_the_page_removes_an_administrator_when_another_remains(
    client, org_admin, second_admin, organisation
):
    client.force_login(org_admin)

    response = client.post(update_url(organisation, member_of(organisation, second_admin)), {"remove": "1"})

    assert response.status_code == 302
    assert not Membership.objects.filter(organisation=organisation, user=second_admin).exists()


def test_adding_an_existing_member_on_the_page_says_so(client, org_admin, buyer, organisation):
    client.force_login(org_admin)

    response = client.post(
        reverse("institutions:members", kwargs={"pk": organisation.pk}),
        {"email": buyer.email, "is_buyer": "on"},
    )

    assert response.status_code == 400
    assert "此人已是成员。" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_removing_each_other_at_once_leave_one_administrator():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent transactions")
    organisation = OrganisationFactory()
    first, second = (factories.UserFactory(username=name) for name in ("admin-a", "admin-b"))
    for user in (first, second):
        MembershipFactory(organisation=organisation, user=user, is_administrator=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def remove(target, by):
        try:
            barrier.wait(timeout=10)
            membership.remove(member_of(organisation, target), by=by)
            outcomes.append("removed")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=remove, args=(second, first)),
        threading.Thread(target=remove, args=(first, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused", "removed"]
    assert Membership.objects.filter(organisation=organisation, is_administrator=True).count() == 1
