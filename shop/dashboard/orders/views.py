from oscar.apps.dashboard.orders import views as oscar_views

from shop.core import exports
from shop.core.views import export_or_queue
from shop.dashboard.orders.exports import orders_sheet


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
