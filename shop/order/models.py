from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractBillingAddress, AbstractShippingAddress
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


MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


def _refund_sources():
    """The records of money returned for a line: refunds recorded by the shop (bank transfers returned by
    staff, institutions.LineRefund) and Stripe-confirmed refunds (payment.RefundLine)."""
    line_refunds = apps.get_model("institutions", "LineRefund").objects.all()
    online = apps.get_model("payment", "RefundLine").objects.confirmed()
    return [line_refunds, online]


def refunded_line_ids(*others):
    """The ids of lines with money returned for them, as one UNION (with any further `line_id` querysets)."""
    line_refunds, online = _refund_sources()
    return (
        line_refunds.order_by()
        .values("line_id")
        .union(online.order_by().values("line_id"), *(other.order_by().values("line_id") for other in others))
    )


class LineQuerySet(models.QuerySet):
    """Reads of order lines; refunds are subtracted line by line, the one rule every figure uses
    (quota ledger, impact, seller and county sales)."""

    def annotate_refunded(self):
        """Each line with `refunded` (money returned for it, 0 when none) and `net` (its total after refunds)."""
        parts = [
            Coalesce(
                Subquery(
                    rows.filter(line=OuterRef("pk"))
                    .order_by()
                    .values("line")
                    .annotate(total=Sum("amount"))
                    .values("total"),
                    output_field=MONEY,
                ),
                Value(ZERO),
                output_field=MONEY,
            )
            for rows in _refund_sources()
        ]
        refunded = parts[0]
        for part in parts[1:]:
            refunded = refunded + part
        return self.annotate(refunded=ExpressionWrapper(refunded, output_field=MONEY)).annotate(
            net=ExpressionWrapper(F("line_price_incl_tax") - F("refunded"), output_field=MONEY)
        )

    def having_refunds(self):
        """Only lines with money returned for them.

        One `id IN (refunded line ids)`: the refund tables are small, so the database starts from them
        (a semi-join) instead of looking up refunds for every line.
        """
        return self.filter(Q(pk__in=refunded_line_ids()))


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
    # db_default: bulk loaders that name their columns (devtools.loadgen) leave it to the database.
    was_agricultural = models.BooleanField(
        _("Agricultural or sideline product when ordered"), default=True, db_default=True
    )
    # Set by the seller when it ships this line (shop.sellers.fulfilment.mark_shipped).
    shipping_carrier = models.CharField(_("Carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("Tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("Shipped at"), null=True, blank=True)

    objects = LineQuerySet.as_manager()

    class Meta(AbstractLine.Meta):
        app_label = "order"
        indexes = [
            # Quota aggregates: an order's counting lines and their amounts and origins, index-only.
            models.Index(
                fields=["order"],
                include=["line_price_incl_tax", "origin_county", "origin_province", "product"],
                name="line_counted_by_order",
                condition=models.Q(was_certified=True, was_poverty_county=True, was_agricultural=True)
                & ~models.Q(status=statuses.LINE_CANCELLED),
            ),
        ]

    @property
    def status_label(self):
        return statuses.line_label(self.status)


class ChineseAddressPrinting:
    def active_address_fields(self):
        """Printed in Chinese order (省 市 区 详细地址, 收货人 手机号) wherever Oscar prints an address."""
        from shop.customer import addresses

        return addresses.lines(self)


class ShippingAddress(ChineseAddressPrinting, AbstractShippingAddress):
    class Meta(AbstractShippingAddress.Meta):
        app_label = "order"


class BillingAddress(ChineseAddressPrinting, AbstractBillingAddress):
    class Meta(AbstractBillingAddress.Meta):
        app_label = "order"


from oscar.apps.order.models import *  # noqa: E402,F401,F403
