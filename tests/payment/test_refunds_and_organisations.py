from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.institutions import approvals
from shop.institutions.models import OrganisationOrder
from shop.order import statuses
from shop.payment.models import OnlinePayment, Refund, RefundLine
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory
from tests.payment.conftest import counted as _counted
from tests.payment.conftest import intent_of, place_order
from tests.payment.conftest import tagging as _tagging

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


def _lines(order):
    first, second = order.lines.order_by("pk")
    return first, second


def _refund(client, order, **data):
    return client.post(reverse("payment:refund", args=[order.number]), data)


def test_organisation_pays_online_and_the_order_counts_toward_its_quota(org_order, organisation):
    assert org_order.status == statuses.PAID
    assert org_order.total_incl_tax == Decimal("144.40")
    assert OrganisationOrder.objects.get(order=org_order).organisation == organisation
    assert OnlinePayment.objects.get(order=org_order).method_type == "alipay"
    assert _counted(organisation) == Decimal("144.40")


def test_organisation_order_held_for_approval_is_paid_online_after_approval(
    stripe_server, shopper, china, products, consumer, webhook
):
    organisation = OrganisationFactory(approval_threshold=Decimal("50.00"))
    MembershipFactory(organisation=organisation, user=consumer)
    approver = factories.UserFactory(username="approver")
    MembershipFactory(organisation=organisation, user=approver, is_buyer=False, is_approver=True)

    order, response = place_order(shopper, products[0], quantity=3, tagging=_tagging(organisation))

    assert order.status == statuses.AWAITING_APPROVAL
    assert response["Location"] != reverse("payment:pay", args=[order.number])
    assert stripe_server.calls("POST", "/v1/payment_intents") == []
    assert shopper.get(reverse("payment:pay", args=[order.number])).status_code == 302  # nothing to pay yet

    approvals.approve(OrganisationOrder.objects.get(order=order), approver=approver)
    page = shopper.get(reverse("payment:pay", args=[order.number]))

    assert page.status_code == 200
    intent_id = intent_of(order)
    assert stripe_server.intents[intent_id]["amount"] == 11970
    stripe_server.succeed(intent_id, "card")
    webhook(stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id]))
    order.refresh_from_db()
    assert order.status == statuses.PAID


def test_partial_refund_goes_through_stripe_and_counts_only_once_confirmed(
    org_order, organisation, stripe_server, staff_client, webhook
):
    oranges, _rice = _lines(org_order)

    response = _refund(staff_client, org_order, scope="lines", **{f"line_{oranges.pk}": 1})

    assert response["Location"] == reverse("dashboard:order-detail", kwargs={"number": org_order.number})
    refund = Refund.objects.get(order=org_order)
    [call] = stripe_server.calls("POST", "/v1/refunds")
    assert call.params["payment_intent"] == intent_of(org_order)
    assert call.params["amount"] == "3990"
    assert call.params["metadata"] == {"order_number": org_order.number, "refund_reference": str(refund.pk)}
    assert call.headers["idempotency-key"] == f"aidmarket-refund-{refund.pk}"
    # Asked for, not yet confirmed: nothing is booked.
    assert refund.status == Refund.Status.REQUESTED
    assert _counted(organisation) == Decimal("144.40")
    assert Source.objects.get(order=org_order).amount_refunded == 0

    settled = stripe_server.settle_refund(refund.stripe_refund_id)
    assert webhook(stripe_server.event("refund.updated", settled)).status_code == 200

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert _counted(organisation) == Decimal("104.50")
    assert Source.objects.get(order=org_order).amount_refunded == Decimal("39.90")
    event = PaymentEvent.objects.get(order=org_order, event_type__name="Refunded")
    assert (event.amount, event.reference) == (Decimal("39.90"), refund.stripe_refund_id)
    assert [(q.line_id, q.quantity) for q in event.line_quantities.all()] == [(oranges.pk, 1)]
    org_order.refresh_from_db()
    assert org_order.status == statuses.PAID

    # The same confirmation again, or through charge.refunded, changes nothing.
    webhook(stripe_server.event("refund.updated", settled))
    charge = stripe_server.charges[settled["charge"]]
    assert webhook(stripe_server.event("charge.refunded", charge)).status_code == 200
    assert _counted(organisation) == Decimal("104.50")
    assert Source.objects.get(order=org_order).amount_refunded == Decimal("39.90")


def test_full_refund_confirmed_by_charge_refunded_empties_the_quota_and_refunds_the_order(
    org_order, organisation, stripe_server, staff_client, webhook
):
    oranges, rice = _lines(org_order)
    _refund(staff_client, org_order, scope="lines", **{f"line_{oranges.pk}": 1})
    first = Refund.objects.get(order=org_order)
    webhook(stripe_server.event("refund.updated", stripe_server.settle_refund(first.stripe_refund_id)))

    _refund(staff_client, org_order, scope="full")

    full = Refund.objects.exclude(pk=first.pk).get(order=org_order)
    assert full.amount == Decimal("104.50") and full.is_full
    assert stripe_server.calls("POST", "/v1/refunds")[-1].params["amount"] == "10450"
    assert {(part.line_id, part.quantity, part.amount) for part in full.lines.all()} == {
        (oranges.pk, 2, Decimal("79.80")),
        (rice.pk, 2, Decimal("24.70")),
    }
    settled = stripe_server.settle_refund(full.stripe_refund_id)
    charge = stripe_server.charges[settled["charge"]]
    assert charge["refunded"] is True
    # Stripe's charge.refunded carries no refund list in current API versions: the shop asks for it.
    assert webhook(stripe_server.event("charge.refunded", charge)).status_code == 200

    assert stripe_server.calls("GET", "/v1/refunds")
    full.refresh_from_db()
    assert full.status == Refund.Status.SUCCEEDED
    org_order.refresh_from_db()
    assert org_order.status == statuses.REFUNDED
    assert _counted(organisation) == Decimal("0.00")
    assert Source.objects.get(order=org_order).amount_refunded == Decimal("144.40")
    assert RefundLine.objects.confirmed().filter(line__order=org_order).count() == 3


def test_refund_stripe_reports_failed_is_not_booked_and_can_be_asked_again(
    org_order, organisation, stripe_server, staff_client, webhook
):
    _refund(staff_client, org_order, scope="full")
    refund = Refund.objects.get(order=org_order)

    webhook(
        stripe_server.event("refund.failed", stripe_server.settle_refund(refund.stripe_refund_id, "failed"))
    )

    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert _counted(organisation) == Decimal("144.40")
    _refund(staff_client, org_order, scope="full")
    assert Refund.objects.filter(order=org_order, status=Refund.Status.REQUESTED).count() == 1


def test_cannot_refund_more_than_was_bought(org_order, stripe_server, staff_client):
    oranges, _rice = _lines(org_order)
    _refund(staff_client, org_order, scope="lines", **{f"line_{oranges.pk}": 2})

    _refund(staff_client, org_order, scope="lines", **{f"line_{oranges.pk}": 2})

    assert Refund.objects.filter(order=org_order).count() == 1
    assert len(stripe_server.calls("POST", "/v1/refunds")) == 1


def test_an_order_not_paid_online_cannot_be_refunded_through_stripe(placed, stripe_server, staff_client):
    _refund(staff_client, placed, scope="full")
    assert not Refund.objects.exists()
    assert stripe_server.calls("POST", "/v1/refunds") == []


def test_only_staff_who_may_change_orders_can_refund(org_order, shopper, client, staff_user, stripe_server):
    assert _refund(shopper, org_order, scope="full").status_code == 403
    client.force_login(staff_user)  # staff without the order permissions
    assert _refund(client, org_order, scope="full").status_code == 403
    client.logout()
    response = _refund(client, org_order, scope="full")
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Refund.objects.exists()


def test_dashboard_order_page_offers_the_refund_form(org_order, staff_client):
    page = staff_client.get(reverse("dashboard:order-detail", kwargs={"number": org_order.number}))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="refund-form"' in html
    assert reverse("payment:refund", args=[org_order.number]) in html


def test_refund_stripe_refuses_is_marked_failed_and_reported(
    org_order, organisation, stripe_server, staff_client
):
    stripe_server.intents[intent_of(org_order)]["status"] = "canceled"  # the double then refuses refunds

    response = _refund(staff_client, org_order, scope="full")

    refund = Refund.objects.get(order=org_order)
    assert refund.status == Refund.Status.FAILED
    assert refund.failure_reason
    page = staff_client.get(response["Location"]).content.decode()
    assert "Stripe 未受理该退款" in page  # the UI speaks Chinese by default
    assert _counted(organisation) == Decimal("144.40")
