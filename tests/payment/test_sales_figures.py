"""The seller's sales figures subtract a Dashboard refund and a lost dispute exactly as a shop refund."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.payment.models import Refund, RefundLine
from shop.sellers import reports
from tests.payment.conftest import counted, intent_of

pytestmark = pytest.mark.django_db


def _seller_revenue(partner) -> Decimal:
    rows = reports.monthly_totals([partner])
    return sum((row["revenue"] or Decimal("0") for row in rows), Decimal("0")).quantize(Decimal("0.01"))


def test_sales_report_and_quota_subtract_a_dashboard_refund_and_a_lost_dispute_like_a_shop_refund(
    org_order, organisation, partner, stripe_server, webhook, staff_client
):
    oranges, _rice = org_order.lines.order_by("pk")
    staff_client.post(
        reverse("payment:refund", args=[org_order.number]), {"scope": "lines", f"line_{oranges.pk}": 1}
    )
    shop_refund = Refund.objects.get()
    webhook(stripe_server.event("refund.updated", stripe_server.settle_refund(shop_refund.stripe_refund_id)))
    after_shop_refund = (counted(organisation), _seller_revenue(partner))
    assert after_shop_refund == (Decimal("104.50"), Decimal("104.50"))

    webhook(
        stripe_server.event("refund.created", stripe_server.refund_in_dashboard(intent_of(org_order), 1000))
    )
    assert (counted(organisation), _seller_revenue(partner)) == (Decimal("94.50"), Decimal("94.50"))

    dispute = stripe_server.open_dispute(intent_of(org_order), amount=2000)
    webhook(stripe_server.event("charge.dispute.created", dispute))
    webhook(stripe_server.event("charge.dispute.closed", stripe_server.update_dispute(dispute["id"], "lost")))
    # The seller keeps 74.50 of the money; the lost dispute cancelled the unshipped lines, and a
    # cancelled line counts nothing toward the quota.
    assert (counted(organisation), _seller_revenue(partner)) == (Decimal("0.00"), Decimal("74.50"))
    assert sum(part.amount for part in RefundLine.objects.confirmed()) == Decimal("69.90")
