"""Refusals: members see only their organisations; reports need an administrator; bad input is explained."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.institutions.models import AnnualTarget, Membership, Organisation
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, place_order

pytestmark = pytest.mark.django_db

REPORT_URLS = (
    "institutions:report",
    "institutions:report-csv",
    "institutions:report-xlsx",
    "institutions:statement",
)


@pytest.mark.parametrize(
    "name", ["institutions:detail", *REPORT_URLS, "institutions:members", "institutions:declaration"]
)
def test_another_organisations_pages_are_not_found(client, buyer, name):
    stranger = OrganisationFactory(name="别的单位")
    client.force_login(buyer)

    response = client.get(reverse(name, kwargs={"pk": stranger.pk}))

    assert response.status_code == 404


def test_another_organisations_order_is_not_found(client, buyer, organisation, partner):
    stranger = OrganisationFactory(name="别的单位")
    other_buyer = factories.UserFactory(username="otherbuyer")
    MembershipFactory(organisation=stranger, user=other_buyer)
    order = place_order(other_buyer, [(factories.ProductFactory(partner=partner), 1)], organisation=stranger)
    client.force_login(buyer)

    mine = client.get(reverse("institutions:order", kwargs={"pk": organisation.pk, "number": order.number}))
    theirs = client.get(reverse("institutions:order", kwargs={"pk": stranger.pk, "number": order.number}))

    assert mine.status_code == theirs.status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_buyer_who_is_not_administrator_cannot_see_reports(client, buyer, organisation, name):
    client.force_login(buyer)

    response = client.get(reverse(name, kwargs={"pk": organisation.pk}))

    assert response.status_code == 403


@pytest.mark.parametrize("name", REPORT_URLS)
def test_buyer_who_is_also_administrator_sees_reports(client, buyer, organisation, name):
    Membership.objects.filter(user=buyer, organisation=organisation).update(is_administrator=True)
    client.force_login(buyer)

    response = client.get(reverse(name, kwargs={"pk": organisation.pk}))

    assert response.status_code == 200


def test_member_sees_own_organisation_orders(client, buyer, organisation, partner):
    order = place_order(buyer, [(factories.ProductFactory(partner=partner), 1)], organisation=organisation)
    client.force_login(buyer)

    detail = client.get(reverse("institutions:detail", kwargs={"pk": organisation.pk}))
    one = client.get(reverse("institutions:order", kwargs={"pk": organisation.pk, "number": order.number}))

    assert order.number in detail.content.decode()
    assert one.status_code == 200


def test_anonymous_visitor_is_sent_to_log_in(client, organisation):
    response = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}))

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "institutions-dashboard:overview",
        "institutions-dashboard:impact",
        "institutions-dashboard:payments",
        "institutions-dashboard:organisation-create",
    ],
)
def test_staff_pages_refuse_members(client, org_admin, name):
    client.force_login(org_admin)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_staff_sees_any_organisations_report(client, staff_user, organisation):
    client.force_login(staff_user)

    assert client.get(reverse("institutions:report", kwargs={"pk": organisation.pk})).status_code == 200


def test_bad_credit_code_is_explained_and_what_was_typed_is_kept(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("institutions-dashboard:organisation-create"),
        {
            "name": "赣州市教育局",
            "kind": "budget_unit",
            "credit_code": "11360700MB1234567A",
            "relation_to_parent": "subordinate",
            "fapiao_type": "ordinary",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "11360700MB1234567A" in content
    assert "赣州市教育局" in content
    assert response.context["form"].errors.as_data()["credit_code"][0].code == "credit_code_check_digit"
    assert response.context["form"].errors["credit_code"][0] in content
    assert not Organisation.objects.filter(name="赣州市教育局").exists()


def test_special_fapiao_defaults_need_bank_details(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("institutions-dashboard:organisation-create"),
        {
            "name": "赣州市教育局",
            "kind": "budget_unit",
            "relation_to_parent": "subordinate",
            "fapiao_type": "special",
            "fapiao_title": "赣州市教育局",
            "is_active": "on",
        },
    )

    assert set(response.context["form"].errors) >= {
        "fapiao_address",
        "fapiao_phone",
        "fapiao_bank",
        "fapiao_account",
    }


@pytest.mark.parametrize(
    "field, value", [("fixed_amount", "0"), ("fixed_amount", "-5"), ("declared_canteen_spending", "-100")]
)
def test_targets_must_be_positive(client, staff_user, organisation, field, value):
    client.force_login(staff_user)

    response = client.post(
        reverse("institutions-dashboard:target-save", kwargs={"pk": organisation.pk}),
        {"year": 2026, field: value},
    )

    assert response.status_code == 400
    assert field in response.context["target_form"].errors
    assert not AnnualTarget.objects.exists()


def test_staff_sets_a_target_from_declared_spending(client, staff_user, organisation):
    client.force_login(staff_user)

    client.post(
        reverse("institutions-dashboard:target-save", kwargs={"pk": organisation.pk}),
        {"year": 2026, "declared_canteen_spending": "800000", "share": "0.30"},
    )

    assert AnnualTarget.objects.get(organisation=organisation, year=2026).amount == Decimal("240000.00")


def test_administrator_declares_spending_and_manages_members(
    client, org_admin, organisation, outsider, staff_user
):
    client.force_login(org_admin)

    declared = client.post(
        reverse("institutions:declaration", kwargs={"pk": organisation.pk}) + "?year=2026",
        {"declared_canteen_spending": "500000", "action": "submit"},
    )
    added = client.post(
        reverse("institutions:members", kwargs={"pk": organisation.pk}),
        {"email": outsider.email, "is_buyer": "on", "is_approver": "on"},
    )

    assert declared.status_code == added.status_code == 302
    assert not AnnualTarget.objects.exists()  # the target follows the reviewer's approval
    client.force_login(staff_user)
    approved = client.post(
        reverse("institutions:declaration", kwargs={"pk": organisation.pk}) + "?year=2026",
        {"action": "approve"},
    )
    assert approved.status_code == 302
    assert AnnualTarget.objects.get(organisation=organisation, year=2026).amount == Decimal("50000.00")
    membership = Membership.objects.get(organisation=organisation, user=outsider)
    assert membership.is_buyer and membership.is_approver and not membership.is_administrator


def test_negative_declaration_is_refused(client, org_admin, organisation):
    client.force_login(org_admin)

    response = client.post(
        reverse("institutions:declaration", kwargs={"pk": organisation.pk}),
        {"declared_canteen_spending": "-1"},
    )

    assert response.status_code == 400
    assert not AnnualTarget.objects.exists()


def test_buyer_cannot_manage_members(client, buyer, organisation, outsider):
    client.force_login(buyer)

    response = client.post(
        reverse("institutions:members", kwargs={"pk": organisation.pk}), {"email": outsider.email}
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


def test_member_pages_render(client, org_admin, organisation):
    MembershipFactory(
        organisation=OrganisationFactory(name="第二个单位"), user=org_admin, is_administrator=True
    )
    client.force_login(org_admin)

    listing = client.get(reverse("institutions:list"))
    members = client.get(reverse("institutions:members", kwargs={"pk": organisation.pk}))
    declaration = client.get(reverse("institutions:declaration", kwargs={"pk": organisation.pk}))

    assert listing.status_code == members.status_code == declaration.status_code == 200
    assert organisation.name in listing.content.decode() and "第二个单位" in listing.content.decode()
    assert org_admin.email in members.content.decode()


def test_staff_pages_render(client, staff_user, organisation, buyer, partner):
    order = place_order(
        buyer,
        [(factories.ProductFactory(partner=partner), 1)],
        organisation=organisation,
        status="pending_payment",
    )
    client.force_login(staff_user)

    pages = [
        reverse("institutions-dashboard:organisation", kwargs={"pk": organisation.pk}),
        reverse("institutions-dashboard:organisation-create"),
        reverse("institutions-dashboard:payment-record", kwargs={"number": order.number}),
        reverse("institutions-dashboard:impact"),
    ]

    assert [client.get(url).status_code for url in pages] == [200, 200, 200, 200]
