import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from shop.order import statuses
from shop.payment import event_schema, gateway, payments, refunds, webhooks
from shop.payment.forms import RefundForm

logger = logging.getLogger("aidmarket.payment")

Order = get_model("order", "Order")


def _own_order(request, number):
    return get_object_or_404(Order, number=number, user=request.user)


class PayView(LoginRequiredMixin, View):
    """The Payment Element for an order awaiting payment."""

    def get(self, request, number):
        order = _own_order(request, number)
        if order.status != statuses.PENDING_PAYMENT or not gateway.is_configured():
            return redirect("payment:return", number=order.number)
        context = {"order": order, "publishable_key": gateway.publishable_key()}
        try:
            payment = payments.open_payment(order)
            context["payment"] = payment
            context["intent"] = payments.describe_intent(payment)
        except gateway.GatewayError:
            context["unavailable"] = True
        context["return_url"] = request.build_absolute_uri(reverse("payment:return", args=[order.number]))
        return render(request, "payment/pay.html", context)


class ReturnView(LoginRequiredMixin, View):
    """Where Stripe sends the customer back: shows what our records and Stripe say, not the query string."""

    def get(self, request, number):
        order = _own_order(request, number)
        payment = payments.current_payment(order)
        context = {"order": order, "payment": payment, "awaiting": order.status in payments.PAYABLE_STATUSES}
        if context["awaiting"] and payment is not None and gateway.is_configured():
            try:
                context["intent"] = payments.describe_intent(payment)
            except gateway.GatewayError:
                context["unavailable"] = True
        return render(request, "payment/return.html", context)


class RetryView(LoginRequiredMixin, View):
    def post(self, request, number):
        order = _own_order(request, number)
        if order.status not in payments.PAYABLE_STATUSES or not gateway.is_configured():
            messages.error(request, _("This order cannot be paid online now."))
            return redirect("payment:return", number=order.number)
        try:
            payments.retry(order)
        except gateway.GatewayError:
            messages.error(
                request, _("Online payment is unavailable at the moment. Please try again shortly.")
            )
            return redirect("payment:return", number=order.number)
        return redirect("payment:pay", number=order.number)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events: verified by signature, applied once, refused with 400 when they don't match."""
    try:
        event = gateway.verify_webhook(request.body, request.headers.get("Stripe-Signature"))
    except gateway.InvalidWebhook as error:
        logger.warning("Rejected Stripe webhook: %s", error)
        return HttpResponseBadRequest("invalid webhook")
    try:
        outcome = webhooks.handle(event)
    except event_schema.Malformed as error:
        logger.warning("Malformed Stripe event %s (%s): %s", event.get("id"), event.get("type"), error)
        return HttpResponseBadRequest("malformed event")
    except payments.Refused as error:
        logger.warning("Refused Stripe event %s (%s): %s", event.get("id"), event.get("type"), error)
        return HttpResponseBadRequest("event does not match our records")
    return JsonResponse({"received": True, "outcome": outcome})


class RefundView(LoginRequiredMixin, View):
    """Dashboard action: ask Stripe for a full or per-line refund of an order's online payment."""

    def post(self, request, number):
        # The same people who may change orders in Oscar's dashboard; sellers may not.
        if not (request.user.is_staff and request.user.has_perm("order.change_order")):
            raise PermissionDenied
        order = get_object_or_404(Order, number=number)
        form = RefundForm(order, request.POST)
        if not form.is_valid():
            for error in form.errors.values():
                messages.error(request, error.as_text())
        else:
            try:
                refund = refunds.request_refund(
                    order, quantities=form.quantities(), requested_by=request.user
                )
            except refunds.RefundNotPossible as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Refund of %(amount)s requested from Stripe; it is recorded once Stripe confirms it.")
                    % {"amount": refund.amount},
                )
        return redirect("dashboard:order-detail", number=order.number)
