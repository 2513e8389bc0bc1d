from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.core.loading import get_model

from shop.core import dates, exports
from shop.core.exceptions import DomainError
from shop.core.views import export_or_queue
from shop.dashboard.orders.exports import orders_sheet
from shop.dashboard.orders.forms import BankRefundForm
from shop.institutions import refunds

Order = get_model("order", "Order")


class OrderListView(oscar_views.OrderListView):
    def download_selected_orders(self, request, orders):
        """Oscar's order CSV, written by the shop's export writer: typed cells, formulas neutralised.
        The whole filtered list (`?response_format=csv`) beyond a few pages is written by a job."""
        if not self.is_csv_download():  # the orders ticked on one page
            return exports.download_response([orders_sheet(orders)], fmt="csv", filename_stem="orders")
        return export_or_queue(
            request,
            export_kind="dashboard.orders_export",
            fmt="csv",
            rows=orders.count(),
            download=lambda: exports.download_response(
                [orders_sheet(orders)], fmt="csv", filename_stem="orders"
            ),
            order_ids=list(orders.values_list("pk", flat=True)),
        )

    def post(self, request, *args, **kwargs):
        """The button of a large export's page queues it (Oscar's own actions are posted with "action")."""
        if "queue_export" in request.POST and self.is_csv_download():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)


class BankRefundView(TemplateView):
    """Staff record money returned by bank transfer, line by line, with its reference and date."""

    template_name = "oscar/dashboard/orders/bank_refund.html"

    def dispatch(self, request, *args, number, **kwargs):
        # The people who may change orders in Oscar's dashboard; sellers may not.
        if not (request.user.is_staff and request.user.has_perm("order.change_order")):
            raise PermissionDenied
        self.order = get_object_or_404(Order, number=number)
        return super().dispatch(request, *args, **kwargs)

    def lines(self):
        return list(self.order.lines.annotate_refunded().order_by("pk"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        lines = kwargs.get("lines") or self.lines()
        ctx["order"] = self.order
        ctx["lines"] = lines
        ctx["refunds"] = refunds.LineRefund.objects.filter(line__order=self.order).select_related("line")
        ctx["form"] = kwargs.get("form") or BankRefundForm(
            lines=lines, initial={"refunded_on": dates.today(), "line": self.request.GET.get("line")}
        )
        return ctx

    def post(self, request, *args, **kwargs):
        lines = self.lines()
        form = BankRefundForm(request.POST, lines=lines)
        if form.is_valid():
            data = form.cleaned_data
            try:
                refunds.record_bank_refund(
                    form.lines[data["line"]],
                    amount=data["amount"],
                    reference=data["reference"],
                    refunded_on=data["refunded_on"],
                    recorded_by=request.user,
                )
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Bank refund recorded for order %s.") % self.order.number)
                return redirect("dashboard:order-bank-refund", number=self.order.number)
        return self.render_to_response(self.get_context_data(form=form, lines=lines), status=400)
