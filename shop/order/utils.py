from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.apps.order import utils
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_model

from shop.core import dates

StockRecord = get_model("partner", "StockRecord")
ProductCertificate = get_model("catalogue", "ProductCertificate")


class OrderNumberGenerator(utils.OrderNumberGenerator):
    pass


class OrderCreator(utils.OrderCreator):
    def create_line_models(self, order, basket_line, extra_line_fields=None):
        """Freeze the line's origin and its certification as they are at the moment of ordering."""
        product = basket_line.product
        source = product.parent if product.is_child else product
        county = source.origin_county
        certificate = (
            ProductCertificate.objects.valid(on=dates.today())
            .filter(product=source)
            .order_by("-expiry_date")
            .first()
        )
        fields = dict(extra_line_fields or {})
        fields.update(
            origin_county=county,
            origin_province_id=county.province_id if county else None,
            was_certified=certificate is not None,
            was_poverty_county=bool(county and county.is_poverty_county),
            certificate_number=certificate.number if certificate else "",
        )
        return super().create_line_models(order, basket_line, fields)

    def update_stock_records(self, line):
        """Allocate stock under a row lock, refusing to sell more than is available."""
        if not line.product.get_product_class().track_stock:
            return
        record = StockRecord.objects.select_for_update().get(pk=line.stockrecord_id)
        available = (record.num_in_stock or 0) - (record.num_allocated or 0)
        if line.quantity > available:
            raise UnableToPlaceOrder(
                _("Sorry, only %(available)d of “%(title)s” are left in stock.")
                % {"available": max(available, 0), "title": line.product.get_title()}
            )
        StockRecord.objects.filter(pk=record.pk).update(
            num_allocated=Coalesce(F("num_allocated"), 0) + line.quantity
        )
