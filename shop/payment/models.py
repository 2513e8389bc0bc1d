from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OnlinePayment(models.Model):
    """One Stripe PaymentIntent opened for an order; a retry after cancellation opens another."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting payment")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Cancelled")

    order = models.ForeignKey(
        "order.Order", verbose_name=_("Order"), on_delete=models.PROTECT, related_name="online_payments"
    )
    attempt = models.PositiveSmallIntegerField(_("Attempt"), default=1)
    intent_id = models.CharField(_("PaymentIntent"), max_length=255, unique=True)
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("Currency"), max_length=3)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    method_type = models.CharField(_("Payment method type"), max_length=32, blank=True)
    charge_id = models.CharField(_("Charge"), max_length=255, blank=True)
    failure_message = models.CharField(_("Failure message"), max_length=255, blank=True)
    # Creation time (Unix seconds) of the newest Stripe event applied, to ignore older ones arriving late.
    last_event_created = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "attempt"]
        verbose_name = _("Online payment")
        verbose_name_plural = _("Online payments")
        constraints = [
            models.UniqueConstraint(fields=["order", "attempt"], name="onlinepayment_unique_attempt"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="succeeded"), name="onlinepayment_one_success_per_order"
            ),
        ]

    def __str__(self):
        return f"{self.intent_id} ({self.get_status_display()})"


class WebhookEvent(models.Model):
    """A Stripe event already applied; a second delivery of the same event id changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe webhook event")
        verbose_name_plural = _("Stripe webhook events")

    def __str__(self):
        return f"{self.event_id} {self.type}"


class DisputeQuerySet(models.QuerySet):
    def holding_fulfilment(self):
        """Disputes that stop an order's unshipped lines from being shipped: open ones and lost ones."""
        return self.filter(Q(outcome=Dispute.Outcome.OPEN) | Q(outcome=Dispute.Outcome.LOST))


class Dispute(models.Model):
    """A card issuer's dispute (chargeback or inquiry) of an order's payment, as Stripe reports it."""

    class Status(models.TextChoices):
        WARNING_NEEDS_RESPONSE = "warning_needs_response", _("Inquiry: response needed")
        WARNING_UNDER_REVIEW = "warning_under_review", _("Inquiry: under review")
        WARNING_CLOSED = "warning_closed", _("Inquiry closed")
        NEEDS_RESPONSE = "needs_response", _("Chargeback: response needed")
        UNDER_REVIEW = "under_review", _("Chargeback: under review")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        PREVENTED = "prevented", _("Prevented")

    class Outcome(models.TextChoices):
        OPEN = "", _("Not decided yet")
        WON = "won", _("Won: the payment stands")
        LOST = "lost", _("Lost: the payment was returned to the cardholder")
        CLOSED = "closed", _("Closed without a chargeback")

    CLOSED_STATUSES = (Status.WARNING_CLOSED, Status.WON, Status.LOST, Status.PREVENTED)

    stripe_dispute_id = models.CharField(_("Stripe dispute"), max_length=255, unique=True)
    order = models.ForeignKey(
        "order.Order", verbose_name=_("Order"), on_delete=models.PROTECT, related_name="disputes"
    )
    payment = models.ForeignKey(OnlinePayment, on_delete=models.PROTECT, related_name="disputes")
    charge_id = models.CharField(_("Charge"), max_length=255, blank=True)
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("Currency"), max_length=3)
    reason = models.CharField(_("Reason"), max_length=64, blank=True)
    status = models.CharField(_("Status"), max_length=32, choices=Status.choices)
    outcome = models.CharField(_("Outcome"), max_length=8, choices=Outcome.choices, blank=True, default="")
    # Whether the disputed money is out of our Stripe balance right now (withdrawn and not reinstated).
    funds_withdrawn = models.BooleanField(_("Funds withdrawn"), default=False)
    evidence_due_by = models.DateTimeField(_("Evidence due by"), null=True, blank=True)
    opened_at = models.DateTimeField(_("Opened at"))
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    # Creation time (Unix seconds) of the newest event applied, so that an older one arriving late
    # cannot move the status back.
    last_event_created = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("Payment dispute")
        verbose_name_plural = _("Payment disputes")

    def __str__(self):
        return f"{self.stripe_dispute_id} ({self.get_status_display()})"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class DisputeEvent(models.Model):
    """One Stripe event about a dispute, kept as the dispute's history."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="history")
    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(_("Event"), max_length=64)
    status = models.CharField(_("Status"), max_length=32, choices=Dispute.Status.choices)
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)
    happened_at = models.DateTimeField(_("Happened at"))
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_at", "pk"]
        verbose_name = _("Payment dispute event")
        verbose_name_plural = _("Payment dispute events")

    def __str__(self):
        return f"{self.dispute.stripe_dispute_id} {self.type}"


class RefundQuerySet(models.QuerySet):
    def standing(self):
        """Refunds that took or are taking money back: not failed, not reversed."""
        return self.exclude(status__in=(Refund.Status.FAILED, Refund.Status.REVERSED))


class Refund(models.Model):
    """Money returned on an order's payment; it counts only once Stripe confirms it.

    Three kinds: asked by staff in the shop, made in Stripe's Dashboard (external), and the money a
    card issuer took back in a dispute (chargeback). All three count the same way in the books.
    """

    class Kind(models.TextChoices):
        SHOP = "shop", _("Refund asked in the shop")
        EXTERNAL = "external", _("Refund made in Stripe's Dashboard")
        DISPUTE = "dispute", _("Chargeback (payment dispute)")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested, awaiting Stripe")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")
        REVERSED = "reversed", _("Reversed: the money came back")

    order = models.ForeignKey(
        "order.Order", verbose_name=_("Order"), on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(OnlinePayment, on_delete=models.PROTECT, related_name="refunds")
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices, default=Kind.SHOP)
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    stripe_refund_id = models.CharField(
        _("Stripe refund"), max_length=255, null=True, blank=True, unique=True
    )
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("Currency"), max_length=3)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    is_full = models.BooleanField(_("Full refund"), default=False)
    failure_reason = models.CharField(_("Failure reason"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("Confirmed at"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("Reversed at"), null=True, blank=True)

    objects = RefundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("Refund")
        verbose_name_plural = _("Refunds")
        constraints = [
            # A dispute takes its money back once at a time: one booked chargeback per dispute.
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(status="succeeded"), name="refund_one_chargeback_per_dispute"
            ),
        ]

    def __str__(self):
        return f"{self.order.number} {self.amount} {self.get_status_display()}"


class RefundLineQuerySet(models.QuerySet):
    def confirmed(self):
        """Refunded amounts Stripe has confirmed and that still stand: what quota and sales subtract."""
        return self.filter(refund__status=Refund.Status.SUCCEEDED)

    def not_failed(self):
        """Amounts refunded or on their way: they can no longer be refunded again."""
        return self.exclude(refund__status__in=(Refund.Status.FAILED, Refund.Status.REVERSED))

    def totals_by_line(self) -> dict[int, dict]:
        rows = self.values("line_id").annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        return {row["line_id"]: row for row in rows}


class RefundLine(models.Model):
    """The part of a refund that belongs to one order line (quantity and money).

    A refund made in Stripe's Dashboard or taken in a dispute is money, not units: its part of a line
    counts the units the money fully covers, which may be none (quantity 0).
    """

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField(_("Quantity"))
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)

    objects = RefundLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("Refunded line")
        verbose_name_plural = _("Refunded lines")
        constraints = [
            models.UniqueConstraint(fields=["refund", "line"], name="refundline_unique_line"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(amount__gt=0), name="refundline_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.line} × {self.quantity}"


from oscar.apps.payment.models import *  # noqa: E402,F401,F403
