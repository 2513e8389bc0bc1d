"""Orders above the threshold wait for an approver of the organisation, who is never the buyer."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from shop.core.exceptions import InvalidState, NotPermitted
from shop.institutions import approvals, quotas
from shop.institutions.models import Membership, OrganisationOrder
from shop.order import statuses
from tests import factories
from tests.institutions.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_order(buyer, organisation, partner, approver):
    organisation.approval_threshold = Decimal("100.00")
    organisation.save()
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("60.00"))
    return place_order(buyer, [(item, 2)], organisation=organisation, status=statuses.AWAITING_APPROVAL)


def test_threshold_is_strictly_above(organisation):
    organisation.approval_threshold = Decimal("100.00")

    assert not approvals.requires_approval(organisation, total=Decimal("100.00"))
    assert approvals.requires_approval(organisation, total=Decimal("100.01"))
    organisation.approval_threshold = None
    assert not approvals.requires_approval(organisation, total=Decimal("99999"))


def test_approver_approves_through_the_page_and_the_order_awaits_payment(
    client, held_order, approver, organisation, buyer, django_capture_on_commit_callbacks
):
    client.force_login(approver)
    listing = client.get(reverse("institutions:approvals", kwargs={"pk": organisation.pk}))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("institutions:approve", kwargs={"pk": organisation.pk, "number": held_order.number})
        )

    assert held_order.number in listing.content.decode()
    assert response.status_code == 302
    held_order.refresh_from_db()
    assert held_order.status == statuses.PENDING_PAYMENT
    link = held_order.organisation_link
    assert link.approval == OrganisationOrder.Approval.APPROVED
    assert link.decided_by == approver
    assert any(buyer.email in message.to for message in mail.outbox)


def test_approver_rejects_with_a_reason_and_the_order_is_cancelled(
    client, held_order, approver, organisation
):
    client.force_login(approver)

    no_reason = client.post(
        reverse("institutions:reject", kwargs={"pk": organisation.pk, "number": held_order.number}),
        {"reason": ""},
    )
    rejected = client.post(
        reverse("institutions:reject", kwargs={"pk": organisation.pk, "number": held_order.number}),
        {"reason": "超出预算"},
    )

    assert no_reason.status_code == 400
    assert rejected.status_code == 302
    held_order.refresh_from_db()
    assert held_order.status == statuses.CANCELLED
    assert held_order.organisation_link.rejection_reason == "超出预算"
    line = held_order.lines.get()
    assert line.stockrecord.num_allocated == 0


def test_approver_cannot_approve_their_own_order(client, organisation, partner, approver):
    Membership.objects.filter(user=approver).update(is_buyer=True)
    organisation.approval_threshold = Decimal("1.00")
    organisation.save()
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("60.00"))
    own = place_order(approver, [(item, 1)], organisation=organisation, status=statuses.AWAITING_APPROVAL)
    client.force_login(approver)

    response = client.post(
        reverse("institutions:approve", kwargs={"pk": organisation.pk, "number": own.number})
    )

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == statuses.AWAITING_APPROVAL
    with pytest.raises(NotPermitted):
        approvals.approve(own.organisation_link, approver=approver)


def test_buyer_cannot_approve(client, held_order, buyer, organisation):
    client.force_login(buyer)

    response = client.post(
        reverse("institutions:approve", kwargs={"pk": organisation.pk, "number": held_order.number})
    )

    assert response.status_code == 403
    held_order.refresh_from_db()
    assert held_order.status == statuses.AWAITING_APPROVAL


def test_approver_of_another_organisation_gets_not_found(client, held_order, organisation):
    from tests.institutions.factories import MembershipFactory, OrganisationFactory

    elsewhere = factories.UserFactory(username="elsewhere")
    MembershipFactory(organisation=OrganisationFactory(), user=elsewhere, is_approver=True)
    client.force_login(elsewhere)

    response = client.post(
        reverse("institutions:approve", kwargs={"pk": organisation.pk, "number": held_order.number})
    )

    assert response.status_code == 404


def test_an_order_decided_once_cannot_be_decided_again(held_order, approver):
    approvals.approve(held_order.organisation_link, approver=approver)

    with pytest.raises(InvalidState):
        approvals.reject(held_order.organisation_link, approver=approver, reason="改主意")


def test_approved_order_counts_only_once_paid(held_order, approver, organisation):
    year = held_order.date_placed.year
    approvals.approve(held_order.organisation_link, approver=approver)
    assert quotas.counted_value(organisation, year=year) == Decimal("0.00")

    held_order.refresh_from_db()
    held_order.set_status(statuses.PAID)

    assert quotas.counted_value(organisation, year=year) == Decimal("120.00")
