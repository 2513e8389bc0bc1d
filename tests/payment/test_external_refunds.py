from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import statuses
from shop.payment.models import Refund
from shop.sellers import onboarding
from tests import factories
from tests.payment.conftest import counted, intent_of

Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(partner):
    user = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, user)
    client = Client()
    client.force_login(user)
    return client


def _ship(seller, order, lines):
    return seller.post(
        reverse("sellers:ship", kwargs={"number": order.number}),
        {"lines": [line.pk for line in lines], "courier": "sf", "tracking_number": "SF1002003004005"},
    )


def _parts(refund):
    return {part.line_id: (part.quantity, part.amount) for part in refund.lines.all()}


def test_partial_refund_made_in_stripes_dashboard_is_booked_once_on_the_newest_unshipped_line(
    org_order, organisation, stripe_server, webhook
):
    oranges, rice = org_order.lines.order_by("pk")
    refund_object = stripe_server.refund_in_dashboard(intent_of(org_order), amount=1000)

    assert webhook(stripe_server.event("refund.created", refund_object)).status_code == 200

    refund = Refund.objects.get(order=org_order)
    assert (refund.kind, refund.status, refund.amount) == (
        Refund.Kind.EXTERNAL,
        Refund.Status.SUCCEEDED,
        Decimal("10.00"),
    )
    assert refund.stripe_refund_id == refund_object["id"]
    assert _parts(refund) == {rice.pk: (0, Decimal("10.00"))}
    assert counted(organisation) == Decimal("134.40")
    assert Source.objects.get(order=org_order).amount_refunded == Decimal("10.00")
    org_order.refresh_from_db()
    assert org_order.status == statuses.PAID
    assert set(org_order.lines.values_list("status", flat=True)) == {statuses.LINE_PENDING}

    # The same refund again, by another event type or through charge.refunded, is not booked twice.
    webhook(stripe_server.event("refund.created", refund_object))
    webhook(stripe_server.event("refund.updated", refund_object))
    webhook(stripe_server.event("charge.refund.updated", refund_object))
    charge = stripe_server.charges[refund_object["charge"]]
    assert webhook(stripe_server.event("charge.refunded", charge)).status_code == 200
    assert Refund.objects.count() == 1
    assert counted(organisation) == Decimal("134.40")


def test_dashboard_refund_goes_to_unshipped_lines_before_shipped_ones(
    org_order, organisation, stripe_server, webhook, seller
):
    oranges, rice = org_order.lines.order_by("pk")
    assert _ship(seller, org_order, [rice]).status_code == 302

    refund_object = stripe_server.refund_in_dashboard(intent_of(org_order), amount=9000)
    webhook(stripe_server.event("refund.created", refund_object))

    # 90.00: oranges (unshipped, 119.70) take it all and 2 of their 3 units are fully covered.
    assert _parts(Refund.objects.get()) == {oranges.pk: (2, Decimal("90.00"))}
    assert counted(organisation) == Decimal("54.40")


def test_full_dashboard_refund_refunds_the_order_and_stops_fulfilment(
    org_order, organisation, stripe_server, webhook, seller
):
    refund_object = stripe_server.refund_in_dashboard(intent_of(org_order))
    charge = stripe_server.charges[refund_object["charge"]]

    # Stripe sends charge.refunded too; the shop lists the charge's refunds and books the new one once.
    assert webhook(stripe_server.event("charge.refunded", charge)).status_code == 200
    assert webhook(stripe_server.event("refund.created", refund_object)).status_code == 200

    refund = Refund.objects.get(order=org_order)
    assert refund.amount == Decimal("144.40") and refund.is_full
    oranges, rice = org_order.lines.order_by("pk")
    assert _parts(refund) == {oranges.pk: (3, Decimal("119.70")), rice.pk: (2, Decimal("24.70"))}
    org_order.refresh_from_db()
    assert org_order.status == statuses.REFUNDED
    assert set(org_order.lines.values_list("status", flat=True)) == {statuses.LINE_CANCELLED}
    assert counted(organisation) == Decimal("0.00")
    assert PaymentEvent.objects.filter(order=org_order, event_type__name="Refunded").count() == 1

    response = _ship(seller, org_order, [oranges, rice])
    assert response.status_code == 200
    assert not org_order.lines.filter(status=statuses.LINE_SHIPPED).exists()


def test_pending_dashboard_refund_is_booked_when_stripe_says_it_succeeded(
    org_order, organisation, stripe_server, webhook
):
    pending = stripe_server.refund_in_dashboard(intent_of(org_order), amount=2470, status="pending")
    assert webhook(stripe_server.event("refund.created", pending)).status_code == 200
    assert not Refund.objects.exists()

    settled = stripe_server.settle_refund(pending["id"])
    assert webhook(stripe_server.event("refund.updated", settled)).status_code == 200

    assert Refund.objects.get().amount == Decimal("24.70")
    assert counted(organisation) == Decimal("119.70")


def test_dashboard_refund_that_fails_after_succeeding_is_taken_out_of_the_books(
    org_order, organisation, stripe_server, webhook
):
    refund_object = stripe_server.refund_in_dashboard(intent_of(org_order), amount=2470)
    webhook(stripe_server.event("refund.created", refund_object))
    assert counted(organisation) == Decimal("119.70")

    failed = {**refund_object, "status": "failed", "failure_reason": "expired_or_canceled_card"}
    assert webhook(stripe_server.event("refund.failed", failed)).status_code == 200

    refund = Refund.objects.get()
    assert refund.status == Refund.Status.FAILED
    # The money is back, but the wholly refunded rice line was cancelled and stays so (Oscar's line
    # pipeline has no way back): a cancelled line counts nothing toward the quota.
    assert counted(organisation) == Decimal("119.70")
    assert Source.objects.get(order=org_order).amount_refunded == Decimal("0.00")


def test_a_refund_the_shop_asked_for_is_not_booked_again_as_external(
    org_order, organisation, stripe_server, webhook, staff_client
):
    oranges, _rice = org_order.lines.order_by("pk")
    staff_client.post(
        reverse("payment:refund", args=[org_order.number]), {"scope": "lines", f"line_{oranges.pk}": 1}
    )
    ours = Refund.objects.get()
    settled = stripe_server.settle_refund(ours.stripe_refund_id)

    for event_type in ("refund.created", "refund.updated", "charge.refund.updated"):
        assert webhook(stripe_server.event(event_type, settled)).status_code == 200
    webhook(stripe_server.event("charge.refunded", stripe_server.charges[settled["charge"]]))

    assert Refund.objects.count() == 1
    assert Refund.objects.get().kind == Refund.Kind.SHOP
    assert counted(organisation) == Decimal("104.50")


def test_dashboard_refund_for_a_payment_the_shop_does_not_know_is_refused(org_order, stripe_server, webhook):
    foreign = {
        "id": "re_elsewhere",
        "object": "refund",
        "amount": 1000,
        "currency": "cny",
        "payment_intent": "pi_not_ours",
        "charge": "ch_not_ours",
        "status": "succeeded",
        "metadata": {},
    }
    assert webhook(stripe_server.event("refund.created", foreign)).status_code == 400
    assert not Refund.objects.exists()


def test_dashboard_refund_larger_than_what_is_left_is_refused(org_order, stripe_server, webhook):
    too_much = {**stripe_server.refund_in_dashboard(intent_of(org_order)), "amount": 20000}
    assert webhook(stripe_server.event("refund.created", too_much)).status_code == 400
    assert not Refund.objects.exists()


def test_customer_order_page_shows_money_returned_from_stripes_dashboard(
    org_order, stripe_server, webhook, shopper
):
    webhook(
        stripe_server.event("refund.created", stripe_server.refund_in_dashboard(intent_of(org_order), 1000))
    )

    page = shopper.get(reverse("customer:order", kwargs={"order_number": org_order.number})).content.decode()

    assert "在 Stripe 后台发起的退款：已退回" in page


def test_quota_subtracts_a_dashboard_refund_and_a_lost_dispute_like_a_shop_refund(
    org_order, organisation, stripe_server, webhook, staff_client
):
    oranges, _rice = org_order.lines.order_by("pk")
    staff_client.post(
        reverse("payment:refund", args=[org_order.number]), {"scope": "lines", f"line_{oranges.pk}": 1}
    )
    shop_refund = Refund.objects.get()
    webhook(stripe_server.event("refund.updated", stripe_server.settle_refund(shop_refund.stripe_refund_id)))
    assert counted(organisation) == Decimal("104.50")

    webhook(
        stripe_server.event("refund.created", stripe_server.refund_in_dashboard(intent_of(org_order), 1000))
    )
    assert counted(organisation) == Decimal("94.50")

    dispute = stripe_server.open_dispute(intent_of(org_order), amount=2000)
    webhook(stripe_server.event("charge.dispute.created", dispute))
    webhook(stripe_server.event("charge.dispute.closed", stripe_server.update_dispute(dispute["id"], "lost")))
    # The lost dispute cancels the unshipped lines: nothing of them will be delivered, so none counts.
    assert counted(organisation) == Decimal("0.00")
    assert set(Refund.objects.values_list("kind", flat=True)) == {"shop", "external", "dispute"}


def test_allocation_never_gives_a_line_more_than_is_left_of_it(
    org_order, stripe_server, webhook, staff_client
):
    from shop.payment import refunds

    oranges, rice = org_order.lines.order_by("pk")
    staff_client.post(
        reverse("payment:refund", args=[org_order.number]), {"scope": "lines", f"line_{oranges.pk}": 1}
    )
    webhook(
        stripe_server.event(
            "refund.updated", stripe_server.settle_refund(Refund.objects.get().stripe_refund_id)
        )
    )

    exact = refunds.allocate(org_order, Decimal("104.50"))
    too_much = refunds.allocate(org_order, Decimal("500.00"))
    odd = refunds.allocate(org_order, Decimal("24.71"))

    assert [(line.pk, quantity, amount) for line, quantity, amount in exact] == [
        (rice.pk, 2, Decimal("24.70")),
        (oranges.pk, 2, Decimal("79.80")),
    ]
    assert too_much == exact  # the rest (a shipping charge, say) stays off the lines
    assert [(line.pk, quantity, amount) for line, quantity, amount in odd] == [
        (rice.pk, 2, Decimal("24.70")),
        (oranges.pk, 0, Decimal("0.01")),
    ]
