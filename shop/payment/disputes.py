"""Card disputes (chargebacks and inquiries) and what they do to the books and to fulfilment.

The rule, as a finance office would sign it (prudence: never count money the shop does not hold):

- While a dispute is open, the order's unshipped lines are held: sellers cannot ship them.
- While the disputed money is withdrawn from the shop's Stripe balance (funds_withdrawn, not yet
  reinstated), it is booked as a chargeback: a confirmed refund of the order's lines, so quota figures
  and sales reports no longer count it. The order keeps its status, since the outcome is open.
- Lost: the chargeback stays booked for good (booked then, if no withdrawal was reported), unshipped
  lines are cancelled, and an order whose payment is wholly gone becomes refunded.
- Won, or the money reinstated: the chargeback is reversed (the figures count the order again) and
  the hold ends. An inquiry closed without a chargeback (warning_closed, prevented) ends the hold too.
- A closed dispute's status is final; an older event arriving late changes nothing but the history.

Staff get one e-mail when a dispute is first reported and one when it is decided.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.payment import notifications, payments, refunds
from shop.payment.models import Dispute, DisputeEvent, OnlinePayment, Refund

Order = get_model("order", "Order")

OUTCOMES = {
    Dispute.Status.WON: Dispute.Outcome.WON,
    Dispute.Status.LOST: Dispute.Outcome.LOST,
    Dispute.Status.WARNING_CLOSED: Dispute.Outcome.CLOSED,
    Dispute.Status.PREVENTED: Dispute.Outcome.CLOSED,
}
FUNDS_WITHDRAWN = "charge.dispute.funds_withdrawn"
FUNDS_REINSTATED = "charge.dispute.funds_reinstated"


def _moment(timestamp: int | None):
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC) if timestamp else None


def _id(value) -> str:
    return value.get("id", "") if isinstance(value, dict) else (value or "")


def _withdrawn_now(obj: dict, event_type: str, current: bool) -> bool:
    """Whether the money is out of our balance after this event: the dispute's balance transactions
    say so when Stripe includes them (withdrawal negative, reinstatement positive), else the event type."""
    transactions = obj.get("balance_transactions")
    if isinstance(transactions, list) and transactions:
        amounts = [item.get("amount") for item in transactions if isinstance(item, dict)]
        if amounts and all(isinstance(amount, int) and not isinstance(amount, bool) for amount in amounts):
            return sum(amounts) < 0
    if event_type == FUNDS_WITHDRAWN:
        return True
    if event_type == FUNDS_REINSTATED:
        return False
    return current


def apply(event: dict) -> bool:
    """Record a charge.dispute.* event and bring the books and fulfilment in line with the dispute."""
    obj = event["data"]["object"]
    payment = refunds.payment_for(intent_id=_id(obj.get("payment_intent")), charge_id=_id(obj["charge"]))
    if payment is None:
        raise payments.Refused(f"dispute {obj['id']} is about a payment the shop does not know")
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = OnlinePayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != OnlinePayment.Status.SUCCEEDED:
        raise payments.Refused(f"dispute {obj['id']} is about a payment not recorded as paid")
    if obj["currency"].upper() != payment.currency:
        raise payments.Refused(f"dispute {obj['id']} is in another currency than its payment")
    amount = payments.from_minor_units(obj["amount"])
    if amount > payment.amount:
        raise payments.Refused(f"dispute {obj['id']} is for more than the payment")

    created = event.get("created") or 0
    dispute = Dispute.objects.select_for_update().filter(stripe_dispute_id=obj["id"]).first()
    is_new = dispute is None
    if is_new:
        dispute = Dispute(
            stripe_dispute_id=obj["id"],
            order=order,
            payment=payment,
            opened_at=_moment(obj["created"]) or timezone.now(),
        )
    elif dispute.payment_id != payment.pk:
        raise payments.Refused(f"dispute {obj['id']} now names another payment")
    was_decided = bool(dispute.outcome)

    if is_new or (created >= dispute.last_event_created and not dispute.is_closed):
        dispute.charge_id = _id(obj["charge"])
        dispute.amount = amount
        dispute.currency = obj["currency"].upper()
        dispute.reason = (obj.get("reason") or "")[:64]
        dispute.status = obj["status"]
        due = (obj.get("evidence_details") or {}).get("due_by")
        dispute.evidence_due_by = _moment(due) if isinstance(due, int) else None
        dispute.funds_withdrawn = _withdrawn_now(obj, event["type"], dispute.funds_withdrawn)
        if dispute.status in OUTCOMES:
            dispute.outcome = OUTCOMES[dispute.status]
            dispute.closed_at = _moment(created) or timezone.now()
        dispute.last_event_created = max(dispute.last_event_created, created)
    dispute.save()
    DisputeEvent.objects.create(
        dispute=dispute,
        event_id=event["id"],
        type=event["type"],
        status=obj["status"],
        amount=amount,
        happened_at=_moment(created) or timezone.now(),
    )

    _settle_books(dispute, order, payment)
    if is_new:
        notifications.send_to_staff("dispute_opened", {"dispute": dispute})
    if dispute.outcome and not was_decided:
        notifications.send_to_staff("dispute_closed", {"dispute": dispute})
    return True


def _settle_books(dispute: Dispute, order, payment: OnlinePayment) -> None:
    lost = dispute.outcome == Dispute.Outcome.LOST
    should_book = lost or (dispute.funds_withdrawn and dispute.outcome == Dispute.Outcome.OPEN)
    booked = dispute.refunds.filter(status=Refund.Status.SUCCEEDED).first()
    if should_book and booked is None:
        left = refunds.refundable(order)["money_left"]
        amount = min(dispute.amount, left)
        if amount > Decimal("0"):
            refunds.book(order, payment, amount=amount, kind=Refund.Kind.DISPUTE, dispute=dispute)
    elif not should_book and booked is not None:
        refunds.reverse(booked)
    if lost:
        refunds.cancel_unshipped(order)
        refunds.settle_order(order, payment)


def fulfilment_hold(order) -> str | None:
    """Why the order's unshipped lines must not be shipped because of a dispute, or None."""
    dispute = Dispute.objects.holding_fulfilment().filter(order=order).first()
    if dispute is None:
        return None
    if dispute.outcome == Dispute.Outcome.LOST:
        return _(
            "The payment of this order was taken back by the card issuer after a lost dispute: "
            "its unshipped lines are cancelled and must not be shipped."
        )
    return _(
        "The payment of this order is disputed with the card issuer: do not ship it until the dispute "
        "is decided."
    )
