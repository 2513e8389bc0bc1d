from django import template

from shop.payment import refunds

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
        "refund_history": order.refunds.prefetch_related("lines__line"),
    }
