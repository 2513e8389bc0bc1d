"""The order list download of Oscar's dashboard, as a sheet for the shop's export writer."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from shop.core.exports import Column, Sheet
from shop.institutions.models import OrganisationOrder


def orders_sheet(orders: Iterable) -> Sheet:
    """Oscar's order columns, typed, plus the organisation and fapiao title of organisation orders."""
    orders = list(orders)
    links = {
        link.order_id: link
        for link in OrganisationOrder.objects.filter(order__in=[order.pk for order in orders]).select_related(
            "organisation"
        )
    }
    rows = []
    for order in orders:
        link = links.get(order.pk)
        rows.append(
            [
                order.number,
                order.total_incl_tax,
                order.date_placed,
                order.num_items,
                order.status_label,
                order.payment_method,
                order.email,
                order.shipping_address.name if order.shipping_address else "",
                order.billing_address.name if order.billing_address else "",
                link.organisation.name if link else "",
                link.fapiao_title if link else "",
            ]
        )
    columns = [
        Column(_("Order number")),
        Column(_("Order total (CNY)"), "money"),
        Column(_("Date of purchase"), "datetime"),
        Column(_("Number of items"), "integer"),
        Column(_("Order status")),
        Column(_("Payment method")),
        Column(_("Customer email address")),
        Column(_("Delivery name")),
        Column(_("Bill to name")),
        Column(_("Organisation")),
        Column(_("Fapiao title")),
    ]
    return Sheet(_("Orders"), columns, rows)
