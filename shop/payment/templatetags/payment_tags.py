from django import template

from shop.core import history
from shop.payment import refunds
from shop.payment.models import Refund

register = template.Library()


@register.inclusion_tag("payment/dashboard/refund_panel.html", takes_context=True)
def refund_panel(context, order):
    """The dashboard's refund form and refund history for an order paid online."""
    payment = refunds.paid_payment(order)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "order": order,
        "payment": payment,
        "left": refunds.refundable(order) if payment else None,
        "refund_history": order.refunds.select_related("dispute").prefetch_related("lines__line"),
        "disputes": order.disputes.prefetch_related("history"),
        "refund_trail": Refund.history.filter(order_id=order.pk),
        "describe_refund": history.describe_by("amount"),
    }


@register.inclusion_tag("payment/dispute_summary.html")
def dispute_summary(order):
    """The customer's order page: any dispute of the payment, its status and outcome, and money returned."""
    return {
        "order": order,
        "disputes": order.disputes.all(),
        "returned": refunds.final_refunds(order).exclude(kind="shop"),
    }


@register.inclusion_tag("payment/pay_online_link.html", takes_context=True)
def pay_online_link(context, order):
    """A "Pay now" / "Try again" button on the customer's order page while an online order awaits payment."""
    from shop.payment import methods, payments

    request = context.get("request")
    show = (
        order.payment_method == methods.STRIPE
        and payments.is_payable(order)
        and request is not None
        and order.user_id == request.user.pk
    )
    return {"show": show, "order": order, "csrf_token": context.get("csrf_token")}
