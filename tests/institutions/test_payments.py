"""Bank transfer against an invoice: staff record the money and the order becomes paid and counted."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import PaymentRecord
from shop.order import statuses
from tests import factories
from tests.institutions.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(buyer, organisation, partner):
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("50.00"))
    return place_order(buyer, [(item, 2)], organisation=organisation, status=statuses.PENDING_PAYMENT)


def test_staff_records_a_transfer_and_the_order_is_paid_and_counted(
    client, staff_user, awaiting, organisation
):
    client.force_login(staff_user)
    listing = client.get(reverse("institutions-dashboard:payments"))

    response = client.post(
        reverse("institutions-dashboard:payment-record", kwargs={"number": awaiting.number}),
        {"amount": "100.00", "paid_on": "2026-03-02", "reference": "ICBC-20260302-001"},
    )

    assert awaiting.number in listing.content.decode()
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == statuses.PAID
    assert awaiting.paid_at is not None
    record = PaymentRecord.objects.get(order=awaiting)
    assert (record.amount, record.paid_on, record.recorded_by) == (
        Decimal("100.00"),
        datetime.date(2026, 3, 2),
        staff_user,
    )
    assert quotas.counted_value(organisation, year=dates.current_year()) == Decimal("100.00")


def test_partial_transfer_keeps_the_order_awaiting_payment(client, staff_user, awaiting):
    client.force_login(staff_user)

    client.post(
        reverse("institutions-dashboard:payment-record", kwargs={"number": awaiting.number}),
        {"amount": "40.00", "paid_on": "2026-03-02", "reference": "ICBC-1"},
    )

    awaiting.refresh_from_db()
    assert awaiting.status == statuses.PENDING_PAYMENT


def test_payment_for_an_order_awaiting_approval_is_refused(client, staff_user, buyer, organisation, partner):
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("50.00"))
    held = place_order(buyer, [(item, 1)], organisation=organisation, status=statuses.AWAITING_APPROVAL)
    client.force_login(staff_user)

    response = client.post(
        reverse("institutions-dashboard:payment-record", kwargs={"number": held.number}),
        {"amount": "50.00", "paid_on": "2026-03-02", "reference": "ICBC-2"},
    )

    assert response.status_code == 400
    assert not PaymentRecord.objects.exists()


def test_members_cannot_record_payments(client, org_admin, awaiting):
    client.force_login(org_admin)

    response = client.post(
        reverse("institutions-dashboard:payment-record", kwargs={"number": awaiting.number}),
        {"amount": "100.00", "paid_on": "2026-03-02", "reference": "X"},
    )

    assert response.status_code == 302 and "login" in response["Location"]
    assert not PaymentRecord.objects.exists()
