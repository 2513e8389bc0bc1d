from django import template

from shop.checkout import payment_methods
from shop.order import statuses

register = template.Library()


@register.inclusion_tag("oscar/checkout/partials/order_payment.html", takes_context=True)
def order_payment(context, order):
    """How the order is paid, in plain words; for a bank transfer, the account and reference to use."""
    method = payment_methods.get(order.payment_method or "", context.get("request"))
    source = next(iter(order.sources.all()), None)
    label = method.label if method else (source.source_type.name if source else "")
    awaiting = order.status in (statuses.PENDING_PAYMENT, statuses.PAYMENT_FAILED)
    return {
        "order": order,
        "label": label,
        "awaiting": awaiting,
        "awaiting_approval": order.status == statuses.AWAITING_APPROVAL,
        "bank": (
            payment_methods.bank_transfer_details(order)
            if order.payment_method == payment_methods.BANK_TRANSFER
            else None
        ),
        "cash_on_delivery": order.payment_method == payment_methods.CASH_ON_DELIVERY,
        "online": bool(method and method.online) or order.payment_method == "stripe",
    }
