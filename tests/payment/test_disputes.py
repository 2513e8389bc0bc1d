from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import statuses
from shop.payment.models import Dispute, DisputeEvent, Refund, RefundLine
from shop.sellers import onboarding
from tests import factories
from tests.payment.conftest import counted, intent_of

Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff_on_duty(staff_client):
    """Staff who may change orders: they are the ones told about disputes."""


@pytest.fixture
def seller(partner):
    user = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def send(webhook, django_capture_on_commit_callbacks):
    """Deliver a signed event and run what the shop does once the transaction commits (the e-mails)."""

    def deliver(event):
        with django_capture_on_commit_callbacks(execute=True):
            return webhook(event)

    return deliver


def _ship(seller, order):
    lines = order.lines.all()
    return seller.post(
        reverse("sellers:ship", kwargs={"number": order.number}),
        {"lines": [line.pk for line in lines], "courier": "sf", "tracking_number": "SF1002003004005"},
    )


def _dispute_mails():
    return [message for message in mail.outbox if "争议" in message.subject]


def test_chargeback_opened_funds_withdrawn_then_lost_leaves_the_order_unpaid_in_the_books(
    org_order, organisation, partner, stripe_server, send, seller, staff_client, shopper
):
    intent_id = intent_of(org_order)
    dispute = stripe_server.open_dispute(intent_id)

    # Opened: recorded, staff told, fulfilment held, the money still counted (not yet withdrawn).
    assert send(stripe_server.event("charge.dispute.created", dispute)).status_code == 200
    record = Dispute.objects.get(stripe_dispute_id=dispute["id"])
    assert (record.order, record.status, record.outcome) == (org_order, "needs_response", "")
    assert record.amount == Decimal("144.40") and record.reason == "fraudulent"
    assert record.evidence_due_by is not None
    assert [message.to for message in _dispute_mails()] == [["staff@example.cn"]]
    assert org_order.number in _dispute_mails()[0].subject
    assert counted(organisation) == Decimal("144.40")
    refused = _ship(seller, org_order)
    assert refused.status_code == 200
    assert "该订单的付款正被持卡人向发卡行争议" in refused.content.decode()
    assert not org_order.lines.filter(status=statuses.LINE_SHIPPED).exists()

    # Funds withdrawn: the money is gone from the balance, so the books stop counting it.
    withdrawn = stripe_server.withdraw_dispute_funds(dispute["id"])
    assert send(stripe_server.event("charge.dispute.funds_withdrawn", withdrawn)).status_code == 200
    chargeback = Refund.objects.get(order=org_order)
    assert (chargeback.kind, chargeback.status, chargeback.amount) == (
        Refund.Kind.DISPUTE,
        Refund.Status.SUCCEEDED,
        Decimal("144.40"),
    )
    assert counted(organisation) == Decimal("0.00")
    org_order.refresh_from_db()
    assert org_order.status == statuses.PAID  # the outcome is still open
    assert len(_dispute_mails()) == 1

    # Lost: final. The order is refunded, unshipped lines cancelled, a second (and last) e-mail.
    lost = stripe_server.update_dispute(dispute["id"], "lost")
    assert send(stripe_server.event("charge.dispute.closed", lost)).status_code == 200
    record.refresh_from_db()
    assert (record.status, record.outcome) == ("lost", Dispute.Outcome.LOST)
    org_order.refresh_from_db()
    assert org_order.status == statuses.REFUNDED
    assert set(org_order.lines.values_list("status", flat=True)) == {statuses.LINE_CANCELLED}
    assert Refund.objects.filter(order=org_order).count() == 1
    assert counted(organisation) == Decimal("0.00")
    assert Source.objects.get(order=org_order).amount_refunded == Decimal("144.40")
    assert len(_dispute_mails()) == 2
    assert "败诉" in _dispute_mails()[1].subject
    assert list(DisputeEvent.objects.filter(dispute=record).values_list("type", flat=True)) == [
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.closed",
    ]

    # The seller cannot ship and is told why; the customer and staff see the outcome.
    refused = _ship(seller, org_order)
    assert "争议败诉" in refused.content.decode()
    customer_page = shopper.get(reverse("customer:order", kwargs={"order_number": org_order.number}))
    assert 'data-outcome="lost"' in customer_page.content.decode()
    assert "败诉：款项已退回持卡人" in customer_page.content.decode()
    dashboard = staff_client.get(reverse("dashboard:order-detail", kwargs={"number": org_order.number}))
    html = dashboard.content.decode()
    assert dispute["id"] in html and "败诉：款项已退回持卡人" in html
    assert "charge.dispute.funds_withdrawn" in html


def test_lost_dispute_subtracts_exactly_what_a_shop_refund_of_the_same_money_subtracts(
    org_order, organisation, partner, stripe_server, send
):
    intent_id = intent_of(org_order)
    # 50.00 of 144.40 disputed: unshipped lines first, newest first (rice 24.70, then 25.30 of oranges).
    dispute = stripe_server.open_dispute(intent_id, amount=5000)
    send(stripe_server.event("charge.dispute.created", dispute))
    send(stripe_server.event("charge.dispute.closed", stripe_server.update_dispute(dispute["id"], "lost")))

    oranges, rice = org_order.lines.order_by("pk")
    parts = {part.line_id: (part.quantity, part.amount) for part in RefundLine.objects.confirmed()}
    assert parts == {rice.pk: (2, Decimal("24.70")), oranges.pk: (0, Decimal("25.30"))}
    # The lost dispute cancels the unshipped lines: nothing will be delivered, so nothing counts toward
    # the quota (a cancelled line counts nothing), though 94.40 of the payment stands.
    assert counted(organisation) == Decimal("0.00")
    assert RefundLine.objects.confirmed().aggregate(total=Sum("amount"))["total"] == Decimal("50.00")
    org_order.refresh_from_db()
    assert org_order.status == statuses.PAID  # part of the payment stands
    assert set(org_order.lines.values_list("status", flat=True)) == {statuses.LINE_CANCELLED}


def test_won_dispute_reverses_the_withdrawal_and_lets_the_seller_ship(
    org_order, organisation, partner, stripe_server, send, seller
):
    intent_id = intent_of(org_order)
    dispute = stripe_server.open_dispute(intent_id)
    send(stripe_server.event("charge.dispute.created", dispute))
    send(
        stripe_server.event(
            "charge.dispute.funds_withdrawn", stripe_server.withdraw_dispute_funds(dispute["id"])
        )
    )
    assert counted(organisation) == Decimal("0.00")

    won = stripe_server.update_dispute(dispute["id"], "won")
    stripe_server.reinstate_dispute_funds(dispute["id"])
    assert send(stripe_server.event("charge.dispute.closed", won)).status_code == 200
    assert send(stripe_server.event("charge.dispute.funds_reinstated", won)).status_code == 200

    record = Dispute.objects.get(stripe_dispute_id=dispute["id"])
    assert (record.outcome, record.funds_withdrawn) == (Dispute.Outcome.WON, False)
    assert Refund.objects.get(order=org_order).status == Refund.Status.REVERSED
    assert counted(organisation) == Decimal("144.40")
    assert Source.objects.get(order=org_order).amount_refunded == Decimal("0.00")
    assert PaymentEvent.objects.filter(order=org_order, event_type__name="Refund reversed").count() == 1
    assert len(_dispute_mails()) == 2

    assert _ship(seller, org_order).status_code == 302
    org_order.refresh_from_db()
    assert org_order.status == statuses.SHIPPED


def test_dispute_opened_then_won_without_withdrawal_changes_no_figure(
    org_order, organisation, stripe_server, send, seller
):
    dispute = stripe_server.open_dispute(intent_of(org_order), status="warning_needs_response")
    send(stripe_server.event("charge.dispute.created", dispute))
    assert _ship(seller, org_order).status_code == 200  # held while the inquiry is open

    send(stripe_server.event("charge.dispute.closed", stripe_server.update_dispute(dispute["id"], "won")))

    assert not Refund.objects.exists()
    assert counted(organisation) == Decimal("144.40")
    assert _ship(seller, org_order).status_code == 302


def test_funds_reinstated_while_open_count_again_but_the_hold_stays(
    org_order, organisation, stripe_server, send, seller
):
    dispute = stripe_server.open_dispute(intent_of(org_order))
    send(stripe_server.event("charge.dispute.created", dispute))
    send(
        stripe_server.event(
            "charge.dispute.funds_withdrawn", stripe_server.withdraw_dispute_funds(dispute["id"])
        )
    )
    under_review = stripe_server.update_dispute(dispute["id"], "under_review")
    stripe_server.reinstate_dispute_funds(dispute["id"])

    assert send(stripe_server.event("charge.dispute.funds_reinstated", under_review)).status_code == 200

    assert counted(organisation) == Decimal("144.40")
    assert Refund.objects.get(order=org_order).status == Refund.Status.REVERSED
    assert _ship(seller, org_order).status_code == 200
    assert not org_order.lines.filter(status=statuses.LINE_SHIPPED).exists()


def test_redelivered_dispute_events_make_one_record_and_one_email(
    org_order, organisation, stripe_server, send
):
    dispute = stripe_server.open_dispute(intent_of(org_order))
    created = stripe_server.event("charge.dispute.created", dispute)
    withdrawn = stripe_server.event(
        "charge.dispute.funds_withdrawn", stripe_server.withdraw_dispute_funds(dispute["id"])
    )

    outcomes = [send(event).json()["outcome"] for event in (created, created, withdrawn, created, withdrawn)]

    assert outcomes == ["applied", "duplicate", "applied", "duplicate", "duplicate"]
    assert Dispute.objects.count() == 1
    assert DisputeEvent.objects.count() == 2
    assert Refund.objects.count() == 1
    assert len(_dispute_mails()) == 1
    assert counted(organisation) == Decimal("0.00")


def test_late_older_event_does_not_reopen_a_closed_dispute(org_order, stripe_server, send):
    dispute = stripe_server.open_dispute(intent_of(org_order))
    created = stripe_server.event("charge.dispute.created", dispute)
    lost = stripe_server.event("charge.dispute.closed", stripe_server.update_dispute(dispute["id"], "lost"))
    send(created)
    send(lost)
    late = stripe_server.event(
        "charge.dispute.updated",
        {**dispute, "status": "under_review"},
        created=lost["created"] - 60,
    )

    assert send(late).status_code == 200

    record = Dispute.objects.get()
    assert (record.status, record.outcome) == ("lost", Dispute.Outcome.LOST)
    assert record.history.count() == 3


def test_dispute_of_a_payment_the_shop_does_not_know_is_refused(org_order, stripe_server, webhook):
    dispute = stripe_server.open_dispute(intent_of(org_order))
    foreign = {**dispute, "charge": "ch_someone_else", "payment_intent": "pi_someone_else"}

    assert webhook(stripe_server.event("charge.dispute.created", foreign)).status_code == 400
    assert not Dispute.objects.exists()


def test_seller_order_list_marks_disputed_lines(org_order, stripe_server, send, seller):
    send(stripe_server.event("charge.dispute.created", stripe_server.open_dispute(intent_of(org_order))))

    page = seller.get(reverse("sellers:order-lines")).content.decode()

    assert "付款有争议：请勿发货" in page
    assert reverse("sellers:ship", kwargs={"number": org_order.number}) not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_dispute_record_it_once(org_order, stripe_server, staff_client):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    import threading

    from tests.payment.conftest import post_event

    dispute = stripe_server.open_dispute(intent_of(org_order))
    created = stripe_server.event("charge.dispute.created", dispute)
    withdrawn = stripe_server.event(
        "charge.dispute.funds_withdrawn", stripe_server.withdraw_dispute_funds(dispute["id"])
    )
    barrier = threading.Barrier(3)
    answers = []

    def deliver(event):
        try:
            barrier.wait(timeout=10)
            answers.append(post_event(Client(), event).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(event,)) for event in (created, withdrawn, created)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers == [200, 200, 200]
    assert Dispute.objects.count() == 1
    assert DisputeEvent.objects.count() == 2
    assert Refund.objects.filter(status=Refund.Status.SUCCEEDED).count() == 1
    assert len(_dispute_mails()) == 1
