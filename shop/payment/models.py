from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _


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


class Refund(models.Model):
    """A refund asked of Stripe; it counts only once Stripe confirms it by webhook."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested, awaiting Stripe")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(
        "order.Order", verbose_name=_("Order"), on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(OnlinePayment, on_delete=models.PROTECT, related_name="refunds")
    stripe_refund_id = models.CharField(
        _("Stripe refund"), max_length=255, null=True, blank=True, unique=True
    )
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("Currency"), max_length=3)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    is_full = models.BooleanField(_("Full refund"), default=False)
    failure_reason = models.CharField(_("Failure reason"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("Refund")
        verbose_name_plural = _("Refunds")

    def __str__(self):
        return f"{self.order.number} {self.amount} {self.get_status_display()}"


class RefundLineQuerySet(models.QuerySet):
    def confirmed(self):
        """Refunded quantities Stripe has confirmed: the ones quota accounting subtracts."""
        return self.filter(refund__status=Refund.Status.SUCCEEDED)

    def not_failed(self):
        """Quantities refunded or on their way: they can no longer be refunded again."""
        return self.exclude(refund__status=Refund.Status.FAILED)

    def totals_by_line(self) -> dict[int, dict]:
        rows = self.values("line_id").annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        return {row["line_id"]: row for row in rows}


class RefundLine(models.Model):
    """The part of a refund that belongs to one order line (quantity and money)."""

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
            models.CheckConstraint(condition=Q(quantity__gte=1), name="refundline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.line} × {self.quantity}"


from oscar.apps.payment.models import *  # noqa: E402,F401,F403
