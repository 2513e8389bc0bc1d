from oscar.apps.dashboard.orders import views as oscar_views

from shop.core import exports
from shop.dashboard.orders.exports import orders_sheet


class OrderListView(oscar_views.OrderListView):
    def download_selected_orders(self, request, orders):
        """Oscar's order CSV, written by the shop's export writer: typed cells, formulas neutralised."""
        return exports.download_response([orders_sheet(orders)], fmt="csv", filename_stem="orders")
