"""The per-user parts of shared pages, read from the cache instead of recomputed on every request.

Signed-in shoppers, buyers and sellers never get the anonymous page cache, so every page they open
used to load the whole basket and apply offers to it (ten queries) for the header's total, count
their unread notifications and load their permissions. Here each of those parts is cached per
owner under a version that every write to the owner's basket lines, notifications or permissions
bumps, so nobody ever sees another person's basket or count, and a change shows on the next page.

- **The basket in the header** (`basket_cache_version`): the header's basket total and quick view
  are `{% cache %}` fragments keyed on the owner ("u<user id>", "b<basket id>" for an anonymous
  basket cookie, or "anonymous" for the empty basket nobody owns), the owner's basket version, the
  offers version (any offer, condition, benefit, range or voucher saved), the catalogue version
  (prices, stock, titles) and the language. A signed-in user who still
  carries an anonymous basket cookie gets no key: the basket must be merged, so the header renders
  from the basket itself. Offers that start or end on their own dates show within
  `BASKET_FRAGMENT_SECONDS`.
- **The cart count** (`cart_items`, the header's and the tab bar's badge): cached per basket owner
  under the same version as the header basket, so a page that shows no basket loads none.
- **The unread-notification count** (`unread_notifications`, in the account menu): cached per user,
  forgotten when one of the user's notifications is saved or deleted.
- **The workspaces** of the account menu (`workspaces`): cached per user under the permissions version
  and the user's own roles version (`roles_changed`).

The badge and the menu are personal parts of shared pages (`shop/caching/parts.py`).
"""

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, Signer
from django.db import transaction
from django.utils.functional import SimpleLazyObject

from shop.caching import CATALOGUE_VERSION_KEY, bump_version, catalogue_version, page_cache_seconds
from shop.caching.permissions import PERMISSIONS_VERSION_KEY, permissions_version
from shop.caching.tiered import versioned_cache

BASKET_FRAGMENT_SECONDS = 300
WORKSPACES_SECONDS = 3600
NOTIFICATIONS_SECONDS = 300  # also bounds a count left stale by a bulk write


OFFERS_VERSION_KEY = "offers-version"


def _basket_version_key(owner: str) -> str:
    return f"basket-version:{owner}"


def basket_owner(request) -> str | None:
    """Who the request's basket belongs to, as a cache-key part; None when it must be loaded."""
    cookie_key = settings.OSCAR_BASKET_COOKIE_OPEN
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None if cookie_key in request.COOKIES else f"u{user.pk}"
    if cookie_key not in request.COOKIES:
        return "anonymous"
    try:
        return f"b{int(Signer().unsign(request.COOKIES[cookie_key]))}"
    except (BadSignature, ValueError):
        return None


def prefetch(request) -> None:
    """Read in one round trip every version and count the visitor's parts of this page will ask for (the
    cart badge's basket, the menu's unread count and workspaces, the review invitation's reviews), once
    per request, when the first part is rendered. GET and HEAD only: a request that writes reads afresh."""
    if request is None or request.method not in ("GET", "HEAD") or hasattr(request, "_aidmarket_prefetched"):
        return
    keys = [OFFERS_VERSION_KEY, CATALOGUE_VERSION_KEY]
    owner = basket_owner(request)
    if owner is not None:
        keys.append(_basket_version_key(owner))
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        keys += [
            _notifications_key(user.pk),
            PERMISSIONS_VERSION_KEY,
            _roles_key(user.pk),
            _reviews_key(user.pk),
        ]
    request._aidmarket_prefetched = (frozenset(keys), cache.get_many(keys))
    if signed_in:
        user._aidmarket_prefetched = request._aidmarket_prefetched


def _get_many(holder, keys: list) -> dict:
    """`cache.get_many(keys)`, answered from what `prefetch` read for this request (`holder`: the request
    or its user) when it read them all."""
    prefetched = getattr(holder, "_aidmarket_prefetched", None)
    if prefetched is not None and prefetched[0].issuperset(keys):
        return {key: prefetched[1][key] for key in keys if key in prefetched[1]}
    return cache.get_many(keys)


def basket_cache_version(request) -> str:
    """The `{% cache %}` vary-on value of the request's header basket; "" renders it uncached."""
    owner = basket_owner(request)
    if owner is None:
        return ""
    key = _basket_version_key(owner)
    versions = _get_many(request, [key, OFFERS_VERSION_KEY, CATALOGUE_VERSION_KEY])
    catalogue = versions.get(CATALOGUE_VERSION_KEY) or catalogue_version()
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return f"{owner}.{versions.get(key, 1)}.{versions.get(OFFERS_VERSION_KEY, 1)}.{catalogue}.{language}"


def saved_basket_id(user, find) -> int | None:
    """The id of the user's saved basket ("save for later"), or None; `find()` looks it up on a miss.
    Cached under the user's basket version, which saving or deleting any of their baskets or lines bumps."""
    key = _basket_version_key(f"u{user.pk}")
    version = _get_many(user, [key]).get(key, 1)
    found = cache.get_or_set(
        f"saved-basket:{version}:{user.pk}", lambda: find() or 0, BASKET_FRAGMENT_SECONDS
    )
    return found or None


def offers_changed() -> None:
    """Forget every cached header basket (an offer or voucher changed), now and on commit."""
    bump_version(OFFERS_VERSION_KEY)
    transaction.on_commit(lambda: bump_version(OFFERS_VERSION_KEY))


def basket_changed(*, basket_id: int | None, owner_id: int | None) -> None:
    """Forget the cached header basket of this basket's owner (and of its cookie), now and on commit."""
    owners = [f"b{basket_id}"] if basket_id else []
    if owner_id:
        owners.append(f"u{owner_id}")

    def bump():
        for owner in owners:
            bump_version(_basket_version_key(owner))

    bump()
    transaction.on_commit(bump)


def _notifications_key(user_id) -> str:
    return f"unread-notifications:{user_id}"


def unread_notifications(user) -> int:
    from oscar.core.loading import get_model

    key = _notifications_key(user.pk)
    count = _get_many(user, [key]).get(key)
    if count is None:
        Notification = get_model("communication", "Notification")
        count = Notification.objects.filter(recipient=user, date_read=None).count()
        cache.set(key, count, NOTIFICATIONS_SECONDS)
    return count


def notifications_changed(user_id) -> None:
    cache.delete(_notifications_key(user_id))
    transaction.on_commit(lambda: cache.delete(_notifications_key(user_id)))


def _roles_key(user_id) -> str:
    return f"roles-version:{user_id}"


def roles_changed(user_ids) -> None:
    """Forget these users' cached workspaces (a membership, county officer or seller link changed)."""
    keys = [_roles_key(user_id) for user_id in user_ids if user_id]

    def bump():
        for key in keys:
            bump_version(key)

    bump()
    transaction.on_commit(bump)


def _reviews_key(user_id) -> str:
    return f"reviews-version:{user_id}"


def reviews_changed(user_id) -> None:
    """Forget which products this user has reviewed (one of their reviews was saved or deleted)."""
    if user_id:
        bump_version(_reviews_key(user_id))
        transaction.on_commit(lambda: bump_version(_reviews_key(user_id)))


def reviewed_products(user) -> frozenset:
    """The ids of the products a signed-in user has reviewed (in any state), cached per user under a
    version that saving or deleting one of their reviews bumps; answers Oscar's `has_review_by`."""
    from oscar.core.loading import get_model

    version = _get_many(user, [_reviews_key(user.pk)]).get(_reviews_key(user.pk), 1)
    return cache.get_or_set(
        f"reviewed-products:{version}:{user.pk}",
        lambda: frozenset(
            get_model("reviews", "ProductReview")
            .objects.filter(user=user)
            .values_list("product_id", flat=True)
        ),
        WORKSPACES_SECONDS,
    )


def workspaces(user) -> list:
    """The account menu's workspaces of a signed-in user (`shop/account_menu.py`), cached per user under
    the permissions version (the seller permission) and the user's own roles version, which saving or
    deleting one of their organisation memberships, county-officer rows or seller links bumps
    (`shop.caching.connect_receivers`)."""
    from shop import account_menu

    memo = getattr(user, "_aidmarket_workspaces", None)
    if memo is not None:  # asked again within the request (the menu, the basket's quota previews)
        return memo
    versions = _get_many(user, [PERMISSIONS_VERSION_KEY, _roles_key(user.pk)])
    permissions = versions.get(PERMISSIONS_VERSION_KEY) or permissions_version()
    roles = versions.get(_roles_key(user.pk), 1)
    key = f"workspaces:{permissions}.{roles}:{user.pk}:{int(user.is_staff)}:{int(user.is_active)}"
    user._aidmarket_workspaces = versioned_cache().get_or_set(
        key, lambda: account_menu.workspaces(user), WORKSPACES_SECONDS
    )
    return user._aidmarket_workspaces


def cart_count(request, version: str) -> int:
    """How many items the request's basket holds, from the cache under `version` (its basket cache
    version); counted from the basket itself when there is no version (page cache off, or a basket
    still to be merged)."""
    if not version:
        return request.basket.num_items
    return versioned_cache().get_or_set(
        f"cart-count:{version}", lambda: request.basket.num_items, BASKET_FRAGMENT_SECONDS
    )


def cart_items(request) -> int:
    """The cart badge's number for this request, counted once however many badges the page shows."""
    counted = getattr(request, "_aidmarket_cart_items", None)
    if counted is None:
        version = basket_cache_version(request) if page_cache_seconds() else ""
        counted = request._aidmarket_cart_items = cart_count(request, version)
    return counted


def personal_parts(request):
    """Context processor for Oscar's own navbar templates: `basket_cache_version` (its basket fragment)
    and `num_unread_notifications`, read lazily."""
    # Fragments are off with the page cache (the test settings): the header renders from the basket.
    version = SimpleLazyObject(lambda: basket_cache_version(request)) if page_cache_seconds() else ""
    context = {"basket_cache_version": version}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["num_unread_notifications"] = SimpleLazyObject(lambda: unread_notifications(user))
    return context
