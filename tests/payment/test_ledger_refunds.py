"""The stored quota ledger follows Stripe: an online organisation order enters it when Stripe confirms the
payment, and a refund lowers it only once Stripe confirms the refund."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.core import dates
from shop.institutions.models import LedgerEntry
from shop.payment.models import Refund
from tests.payment.conftest import counted

pytestmark = pytest.mark.django_db


def ledger_counted(organisation) -> Decimal:
    return LedgerEntry.objects.get(organisation=organisation, year=dates.current_year()).counted


def test_a_partial_stripe_refund_lowers_the_ledger_row_once_confirmed(
    org_order, organisation, stripe_server, staff_client, webhook
):
    assert ledger_counted(organisation) == counted(organisation) == Decimal("144.40")
    oranges = org_order.lines.order_by("pk").first()

    staff_client.post(
        reverse("payment:refund", args=[org_order.number]), {"scope": "lines", f"line_{oranges.pk}": 1}
    )

    refund = Refund.objects.get(order=org_order)
    assert ledger_counted(organisation) == Decimal("144.40")  # asked for, not yet confirmed
    webhook(stripe_server.event("refund.updated", stripe_server.settle_refund(refund.stripe_refund_id)))
    assert ledger_counted(organisation) == counted(organisation) == Decimal("104.50")


def test_a_full_stripe_refund_empties_the_ledger_row(
    org_order, organisation, stripe_server, staff_client, webhook
):
    staff_client.post(reverse("payment:refund", args=[org_order.number]), {"scope": "full"})

    refund = Refund.objects.get(order=org_order)
    settled = stripe_server.settle_refund(refund.stripe_refund_id)
    webhook(stripe_server.event("charge.refunded", stripe_server.charges[settled["charge"]]))

    assert ledger_counted(organisation) == counted(organisation) == Decimal("0.00")
