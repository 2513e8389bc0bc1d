from oscar.apps.offer import applicator


class Applicator(applicator.Applicator):
    def get_offers(self, basket, user=None, request=None):
        """Oscar's offers for this basket, looked up once per basket object and user.

        The basket middleware applies offers and the basket page asks again for its upsell messages:
        the same site and voucher offers, read twice. They are kept on the basket object (one request's
        basket); adding or removing a voucher forgets them (`shop.caching.connect_receivers`).
        """
        # getattr/setattr, not __dict__: request.basket is a lazy object that forwards attributes.
        memo = getattr(basket, "_offers_memo", None)
        if memo is None:
            memo = {}
            basket._offers_memo = memo
        key = getattr(user, "pk", None)
        if key not in memo:
            memo[key] = super().get_offers(basket, user, request)
        return memo[key]


def forget_offers(basket) -> None:
    """Drop the offers remembered on this basket object (its vouchers changed)."""
    basket._offers_memo = None
