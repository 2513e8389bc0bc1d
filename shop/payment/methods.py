"""The online payment method Stripe adds to checkout when it is configured."""

from django.utils.translation import gettext_lazy as _

from shop.checkout.payment_methods import PaymentMethod
from shop.payment import gateway

STRIPE = "stripe"

STRIPE_METHOD = PaymentMethod(
    STRIPE,
    _("Pay online: bank card, Alipay or WeChat Pay"),
    _("Pay securely through Stripe right after placing the order. The order is paid once Stripe confirms."),
    online=True,
)


def stripe_methods(request=None) -> list[PaymentMethod]:
    """Offered to everyone who may check out (consumers and organisation buyers) while keys are set."""
    return [STRIPE_METHOD] if gateway.is_configured() else []
