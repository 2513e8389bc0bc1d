from django.urls import path
from oscar.apps.dashboard.orders import apps
from oscar.core.loading import get_class


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order pages show every line of an order: staff only here.

    Sellers see and ship only their own lines through shop.sellers' fulfilment pages.
    """

    name = "shop.dashboard.orders"
    label = "orders_dashboard"

    def configure_permissions(self):
        super().configure_permissions()
        self.permissions_map = {
            url_name: (staff_permissions if isinstance(staff_permissions, list) else staff_permissions[0])
            for url_name, staff_permissions in self.permissions_map.items()
        }
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        self.permissions_map["order-bank-refund"] = DashboardPermission.get(
            "order", "view_order", "change_order"
        )

    def ready(self):
        super().ready()
        self.bank_refund_view = get_class("dashboard.orders.views", "BankRefundView")

    def get_urls(self):
        bank_refunds = path(
            "<str:number>/bank-refunds/", self.bank_refund_view.as_view(), name="order-bank-refund"
        )
        return super().get_urls() + self.post_process_urls([bank_refunds])
