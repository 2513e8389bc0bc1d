"""An award's price: Oscar's pricing strategy, with the quoted product at the quoted price."""

from decimal import Decimal

from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.strategy import Default


class QuotedPrice(Default):
    """Oscar's default strategy, except the quote's products (its main one and its alternatives): the
    quoting seller's stock, the quoted price."""

    def __init__(self, quote, *, unit_price: Decimal, request=None):
        super().__init__(request)
        self.quote = quote
        self.unit_price = unit_price
        self.product_ids = {quote.product_id, *quote.alternatives.values_list("pk", flat=True)}

    def _is_quoted(self, stockrecord) -> bool:
        return (
            stockrecord is not None
            and stockrecord.product_id in self.product_ids
            and stockrecord.partner_id == self.quote.partner_id
        )

    def select_stockrecord(self, product):
        if product.pk in self.product_ids:
            return product.stockrecords.filter(partner_id=self.quote.partner_id).first()
        return super().select_stockrecord(product)

    def pricing_policy(self, product, stockrecord):
        if self._is_quoted(stockrecord):
            return FixedPrice(
                currency=stockrecord.price_currency, excl_tax=self.unit_price, tax=Decimal("0.00")
            )
        return super().pricing_policy(product, stockrecord)
