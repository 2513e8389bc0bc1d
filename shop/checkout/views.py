from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from oscar.apps.checkout import views
from oscar.apps.payment.exceptions import UnableToTakePayment
from oscar.core.loading import get_model

from shop.checkout import payment_methods
from shop.checkout.forms import PaymentMethodForm
from shop.customer.forms import UserAddressForm
from shop.institutions.checkout import OrganisationCheckoutMixin
from shop.payment import payments as online_payments

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")


class UserAddressUpdateView(views.UserAddressUpdateView):
    form_class = UserAddressForm


class PaymentMethodView(views.PaymentMethodView):
    """Let the customer choose among the payment methods on offer."""

    template_name = "oscar/checkout/payment_method.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["online_offered"] = any(method.online for method in ctx["form"].methods)
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        self.checkout_session.set_payment_method(form.cleaned_data["method"])
        return redirect("checkout:preview")

    def get_form(self, data=None):
        chosen = self.checkout_session.payment_method()
        return PaymentMethodForm(
            data=data,
            methods=payment_methods.available(self.request),
            initial={"method": chosen} if chosen else None,
        )


# OrganisationCheckoutMixin: organisation tagging, quota preview and approval hold.
class PaymentDetailsView(OrganisationCheckoutMixin, views.PaymentDetailsView):
    def get(self, request, *args, **kwargs):
        if not self.preview:
            # Offline methods have no details to enter: go straight to the preview.
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["payment_method"] = payment_methods.get(
            self.checkout_session.payment_method() or "", self.request
        )
        return ctx

    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        method = self.checkout_session.payment_method()
        submission["payment_kwargs"]["method"] = method
        submission["order_kwargs"]["payment_method"] = method
        return submission

    def handle_payment(self, order_number, total, method=None, **kwargs):
        """Record the chosen offline method as the payment source; money arrives later."""
        chosen = payment_methods.get(method or "", self.request)
        if chosen is None:
            raise UnableToTakePayment(_("Please choose a payment method."))
        if chosen.online:
            # Online payment (shop.payment): nothing is taken now; a verified webhook marks the order paid.
            return
        source_type, _created = SourceType.objects.get_or_create(
            code=chosen.code, defaults={"name": str(chosen.label)}
        )
        self.add_payment_source(
            Source(source_type=source_type, currency=total.currency, amount_allocated=total.incl_tax)
        )

    def freeze_basket(self, basket):
        """Not frozen apart: handle_order_placement submits the basket in the order's transaction.

        Oscar freezes the basket before taking payment on another site. No payment here comes before
        the order (offline methods; Stripe once the order exists), and a basket frozen on its own is
        stranded, neither open nor ordered, if the worker dies before the order is written.
        """

    def handle_order_placement(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        surcharges=None,
        **kwargs,
    ):
        """Write the order and submit its basket in one transaction: a crash leaves both or neither."""
        with transaction.atomic():
            order = self.place_order(
                order_number=order_number,
                user=user,
                basket=basket,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                order_total=order_total,
                billing_address=billing_address,
                surcharges=surcharges,
                **kwargs,
            )
            basket.submit()
        return self.handle_successful_order(order)

    def handle_successful_order(self, order):
        """Online payments continue on the payment page once the order exists (shop.payment)."""
        response = super().handle_successful_order(order)
        chosen = payment_methods.get(order.payment_method, self.request)
        pay_url = online_payments.start(order) if chosen is not None and chosen.online else None
        return redirect(pay_url) if pay_url else response
