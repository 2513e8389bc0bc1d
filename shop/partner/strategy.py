"""Oscar's default pricing strategy, except that a basket line is priced from its own stock record.

Oscar's `fetch_for_line` looks the product's stock records up again for every line, once for the basket
warnings and once per line in the basket template; the line already holds the record it was added with
(loaded with the lines), which is also the one the checkout allocates from.
"""

from oscar.apps.partner import strategy


class Default(strategy.Default):
    def fetch_for_line(self, line, stockrecord=None):
        return self.fetch_for_product(line.product, stockrecord=stockrecord or line.stockrecord)


class Selector(strategy.Selector):
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)
