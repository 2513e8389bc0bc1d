"""Online refunds keep an audit trail: who asked, Stripe's id, the confirmation, shown on the order page."""

import pytest
from django.urls import reverse

from shop.payment.models import Refund
from tests.payment.conftest import intent_of

pytestmark = pytest.mark.django_db


def test_a_refund_asked_by_staff_and_confirmed_by_stripe_shows_its_trail(
    org_order, stripe_server, staff_client, staff_user, webhook
):
    oranges = org_order.lines.order_by("pk").first()
    staff_client.post(
        reverse("payment:refund", args=[org_order.number]), {"scope": "lines", f"line_{oranges.pk}": 1}
    )
    refund = Refund.objects.get(order=org_order)
    webhook(stripe_server.event("refund.updated", stripe_server.settle_refund(refund.stripe_refund_id)))

    versions = list(refund.history.order_by("history_id"))
    page = staff_client.get(
        reverse("dashboard:order-detail", kwargs={"number": org_order.number})
    ).content.decode()

    assert [v.history_type for v in versions] == ["+", "~", "~"]
    assert versions[0].history_user == staff_user and versions[1].stripe_refund_id == refund.stripe_refund_id
    assert versions[2].status == Refund.Status.SUCCEEDED
    assert "在线退款的变更记录" in page
    requested, succeeded = Refund.Status.REQUESTED.label, Refund.Status.SUCCEEDED.label
    assert f'<del class="audit-before">{requested}</del> → <ins class="audit-after">{succeeded}</ins>' in page
    assert refund.stripe_refund_id in page


def test_a_refund_stripe_refuses_records_the_failure_with_who_asked(
    org_order, stripe_server, staff_client, staff_user
):
    stripe_server.intents[intent_of(org_order)]["status"] = "canceled"  # the double then refuses refunds

    staff_client.post(reverse("payment:refund", args=[org_order.number]), {"scope": "full"})

    latest = Refund.objects.get(order=org_order).history.first()
    assert (latest.history_type, latest.status, latest.history_user) == (
        "~",
        Refund.Status.FAILED,
        staff_user,
    )
