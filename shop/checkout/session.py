from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.checkout import exceptions, session

from shop.checkout import payment_methods


class CheckoutSessionMixin(session.CheckoutSessionMixin):
    def check_payment_data_is_captured(self, request):
        """The customer must have chosen a payment method this installation offers."""
        code = self.checkout_session.payment_method()
        if not code or payment_methods.get(code, request) is None:
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-method"),
                message=_("Please choose how you would like to pay."),
            )

    def skip_unless_payment_is_required(self, request):
        # Payment is always required: every order needs a payment method, even offline ones.
        return None
