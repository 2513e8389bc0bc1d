"""Order and line statuses: stable keys in the database, translated labels for people."""

from django.utils.translation import gettext_lazy as _

AWAITING_APPROVAL = "awaiting_approval"
PENDING_PAYMENT = "pending_payment"
PAYMENT_FAILED = "payment_failed"
PAID = "paid"
SHIPPED = "shipped"
COMPLETED = "completed"
REFUNDED = "refunded"
CANCELLED = "cancelled"

ORDER_LABELS = {
    AWAITING_APPROVAL: _("Awaiting approval"),
    PENDING_PAYMENT: _("Awaiting payment"),
    PAYMENT_FAILED: _("Payment failed"),
    PAID: _("Paid"),
    SHIPPED: _("Shipped"),
    COMPLETED: _("Completed"),
    REFUNDED: _("Refunded"),
    CANCELLED: _("Cancelled"),
}

# An order in one of these states has been paid (money received) and not cancelled.
PAID_STATUSES = (PAID, SHIPPED, COMPLETED, REFUNDED)

LINE_PENDING = "pending"
LINE_SHIPPED = "shipped"
LINE_DELIVERED = "delivered"
LINE_CANCELLED = "cancelled"

LINE_LABELS = {
    LINE_PENDING: _("Awaiting shipment"),
    LINE_SHIPPED: _("Shipped"),
    LINE_DELIVERED: _("Delivered"),
    LINE_CANCELLED: _("Cancelled"),
}


def order_label(status: str) -> str:
    return ORDER_LABELS.get(status, status)


def line_label(status: str) -> str:
    return LINE_LABELS.get(status, status)
