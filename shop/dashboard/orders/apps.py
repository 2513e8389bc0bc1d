from oscar.apps.dashboard.orders import apps


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
