from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder

from shop.order import statuses


class OrderQuerySet(models.QuerySet):
    def paid(self):
        """Orders whose payment has been received and that are not cancelled."""
        return self.filter(status__in=statuses.PAID_STATUSES)


class Order(AbstractOrder):
    payment_method = models.CharField(_("Payment method"), max_length=32, blank=True)
    paid_at = models.DateTimeField(_("Paid at"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta(AbstractOrder.Meta):
        app_label = "order"
        indexes = [
            models.Index(fields=["status", "date_placed"], name="order_status_placed"),
            # Quota aggregates: the paid orders of a year, read from the index alone.
            models.Index(
                fields=["date_placed"],
                include=["id"],
                name="order_paid_placed",
                condition=models.Q(status__in=statuses.PAID_STATUSES),
            ),
        ]

    @property
    def status_label(self):
        return statuses.order_label(self.status)


class Line(AbstractLine):
    """An order line keeps where the product came from and whether it was certified when ordered."""

    origin_county = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("Origin county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin_province = models.ForeignKey(
        "catalogue.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    was_certified = models.BooleanField(_("Certified when ordered"), default=False)
    was_poverty_county = models.BooleanField(_("From a former poverty county when ordered"), default=False)
    certificate_number = models.CharField(_("Certificate number when ordered"), max_length=64, blank=True)
    # Set by the seller when it ships this line (shop.sellers.fulfilment.mark_shipped).
    shipping_carrier = models.CharField(_("Carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("Tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("Shipped at"), null=True, blank=True)

    class Meta(AbstractLine.Meta):
        app_label = "order"
        indexes = [
            # Quota aggregates: an order's counting lines and their amounts and origins, index-only.
            models.Index(
                fields=["order"],
                include=["line_price_incl_tax", "origin_county", "origin_province", "product"],
                name="line_counted_by_order",
                condition=models.Q(was_certified=True, was_poverty_county=True),
            ),
        ]

    @property
    def status_label(self):
        return statuses.line_label(self.status)


from oscar.apps.order.models import *  # noqa: E402,F401,F403
