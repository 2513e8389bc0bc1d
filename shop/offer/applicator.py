import time

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone
from oscar.apps.offer import applicator
from oscar.core.loading import get_model

from shop.caching.personal import OFFERS_VERSION_KEY

SITE_OFFERS_KEY = "site-offers"
SITE_OFFERS_SECONDS = 300  # also bounds a list left stale by a write racing its computation


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

    def get_basket_offers(self, basket, user):
        """Oscar's voucher offers; none to look up when the basket was loaded knowing it holds no voucher
        (`shop.basket.models.OpenBaskets`; adding or removing one forgets that, see forget_offers)."""
        if getattr(basket, "holds_vouchers", None) is False:
            return []
        return super().get_basket_offers(basket, user)

    def get_site_offers(self):
        """Oscar's active site offers, from the cache: kept under the offers version (bumped when any offer,
        condition, benefit, range or voucher is saved or deleted) until the first of them ends or the next
        one starts, so every basket page does not read the same list from the database."""
        found = cache.get_many([SITE_OFFERS_KEY, OFFERS_VERSION_KEY])
        version = found.get(OFFERS_VERSION_KEY, 1)
        stored = found.get(SITE_OFFERS_KEY)
        if stored is not None and stored[0] == version and time.time() < stored[1]:
            return stored[2]
        offers = list(super().get_site_offers())
        valid_until = _next_site_offer_change(offers)
        cache.set(SITE_OFFERS_KEY, (version, valid_until, offers), SITE_OFFERS_SECONDS)
        return offers


def _next_site_offer_change(active) -> float:
    """When the list of active site offers next changes on its own: an active offer ends or another starts."""
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    now = timezone.now()
    changes = [offer.end_datetime for offer in active if offer.end_datetime is not None]
    next_start = ConditionalOffer.objects.filter(
        offer_type=ConditionalOffer.SITE, status=ConditionalOffer.OPEN, start_datetime__gt=now
    ).aggregate(first=Min("start_datetime"))["first"]
    if next_start is not None:
        changes.append(next_start)
    seconds = min([SITE_OFFERS_SECONDS, *((change - now).total_seconds() for change in changes)])
    return time.time() + max(seconds, 0)


def forget_offers(basket) -> None:
    """Drop the offers remembered on this basket object and whether it holds vouchers (they changed)."""
    basket._offers_memo = None
    basket.holds_vouchers = None
