"""Oscar's dashboard order list exported whole, as a background job."""

from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.core import exports, jobs
from shop.dashboard.orders.exports import orders_sheet

Order = get_model("order", "Order")
BATCH = 2000


@jobs.export_job("dashboard.orders_export", label=_("Order export"))
def export_orders(*, order_ids: list[int]) -> jobs.ExportFile:
    """The orders the list showed when the export was asked for, newest first, read in batches."""

    def rows():
        for start in range(0, len(order_ids), BATCH):
            batch = (
                Order.objects.filter(pk__in=order_ids[start : start + BATCH])
                .select_related("shipping_address", "billing_address")
                .prefetch_related("lines")
                .order_by("-date_placed")
            )
            yield from orders_sheet(batch).rows

    empty = orders_sheet(Order.objects.none())
    sheet = exports.Sheet(empty.title, empty.columns, rows())
    return jobs.ExportFile([sheet], "orders", total=len(order_ids))
