"""Whole-page caching for anonymous shoppers and, with their personal parts filled in, for everyone
signed in; and its invalidation.

Pages are cached under a version number. Anything that changes what a shopper sees on a
catalogue page (a product, its price or stock, an image, a category, a certificate, a CMS page)
bumps the catalogue version, so every cached page is replaced on the next request; a stock
change from an order bumps only that product's version unless the product sold out. The date
(Asia/Shanghai) is part of every key, because certificates stop counting at midnight.

- `AnonymousPageCacheMiddleware` serves requests that carry no session, basket or messages cookie,
  before sessions and users are loaded (about 1 ms a page).
- `SharedPageCacheMiddleware` serves everyone else (signed-in shoppers, buyers, sellers, visitors
  with a basket): the page is stored once per audience (staff, who may see unpublished products and
  categories, or everyone else) with each personal part left as a marker, and every visitor gets it
  with their own parts filled in (`shop/caching/holes.py`, `parts.py`). A request with messages to
  show, or whose anonymous basket must first be merged into the user's, is rendered as usual.

CSRF tokens are cut out before storing and a fresh one for the requester is put back on every hit,
so nobody sees another person's page or token.
"""

import hashlib
import re
import secrets

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve

from shop.caching import holes
from shop.caching.tiered import versioned_cache
from shop.core import dates

CATALOGUE_VERSION_KEY = "catalogue-version"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
CSRF_PLACEHOLDER = b"@@csrf-token@@"
HISTORY_COOKIE = settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME
SKIPPED_HEADERS = {"content-length", "set-cookie", "x-page-cache"}

# url names (namespace:name) whose anonymous GET responses are cached
DEFAULT_CACHED_VIEWS = ("home", "catalogue:index", "catalogue:category", "catalogue:detail", "search:search")


def new_version() -> int:
    """Where a version starts (or starts again, after Redis lost it): a random number, so that values
    stored under the numbers before it (in Redis or in a process's own copy, `shop.caching.tiered`) are
    never taken for the new ones."""
    return secrets.randbits(48)


def bump_version(key) -> None:
    """Move a version on: +1, or a new start when it is missing (never set, evicted, Redis restarted)."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, new_version(), timeout=None)


def catalogue_version() -> int:
    return cache.get_or_set(CATALOGUE_VERSION_KEY, new_version, timeout=None)


def catalogue_changed() -> None:
    """Invalidate every cached page, now and again when the current transaction commits.

    Bumping now lets the writing request (and tests inside a transaction) see the change; bumping
    after the commit drops any page another request cached from the old rows in between.
    """
    _bump_catalogue()
    transaction.on_commit(_bump_catalogue)


def product_stock_changed(product_ids, *, sold_out: bool = False) -> None:
    """Invalidate a product's own page; listings too when it sold out or came back in stock."""
    ids = list(product_ids)

    def bump():
        for pk in ids:
            bump_version(_product_key(pk))
        if sold_out:
            _bump_catalogue()

    bump()
    transaction.on_commit(bump)


def _bump_catalogue():
    bump_version(CATALOGUE_VERSION_KEY)


def _product_key(pk):
    return f"product-version:{pk}"


def page_cache_seconds() -> int:
    """How long anonymous pages are kept; 0 switches the page cache off (the test settings do)."""
    return int(getattr(settings, "AIDMARKET_PAGE_CACHE_SECONDS", 600))


def fragment_versions(request):
    """Context processor: `catalogue_cache_version` for `{% cache %}` fragments of catalogue data.

    Empty when the page cache is switched off, so templates render uncached (see product.html).
    """
    if not page_cache_seconds():
        return {"catalogue_cache_version": ""}
    known = getattr(request, "_aidmarket_fragment_versions", None)
    if known is not None:
        return known
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    versions = {"catalogue_cache_version": f"{catalogue_version()}.{dates.today():%Y%m%d}.{language}"}
    if request is not None and request.method in ("GET", "HEAD"):
        # Read once per page (the layout, a product's parts, the basket's quota previews ask again); a
        # request that writes may bump the version before it renders, so it reads it afresh.
        request._aidmarket_fragment_versions = versions
    return versions


def product_fragment_version(request, product_id) -> str:
    """`{% cache %}` vary-on value for a product page's shared parts: the catalogue's and the
    product's own version (bumped by orders moving its stock); "" when the page cache is off."""
    return product_fragment_versions(request, [product_id])[product_id]


def product_fragment_versions(request, product_ids) -> dict:
    """`product_fragment_version` of several products, read in one round trip."""
    catalogue = fragment_versions(request)["catalogue_cache_version"]
    if not catalogue:
        return dict.fromkeys(product_ids, "")
    found = cache.get_many([_product_key(pk) for pk in product_ids])
    return {pk: f"{catalogue}.{found.get(_product_key(pk), 1)}" for pk in product_ids}


def remember(version: str, kind: str, parts: tuple, compute):
    """`compute()` shared by everyone under a fragment version and these parts (a listing's results,
    its facets, the home page's products); computed every time without a version (page cache off)."""
    if not version:
        return compute()
    digest = hashlib.sha1("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    key = f"shared:{kind}:{version}:{digest}"
    shared = versioned_cache()
    value = shared.get(key)
    if value is None:
        value = compute()
        shared.set(key, value, page_cache_seconds())
    return value


def cached_views():
    return tuple(getattr(settings, "AIDMARKET_PAGE_CACHE_VIEWS", DEFAULT_CACHED_VIEWS))


def cached_view(request, views):
    """The URL match of a request for one of the cached `views`, else None."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match if match.view_name in views else None


def page_versions(request, match) -> str:
    """The part of a page's key that changes with what it shows: the catalogue's version (and a
    product page's own), the day, the language, the host and the full URL."""
    keys = [CATALOGUE_VERSION_KEY]
    if match.view_name == "catalogue:detail" and "pk" in match.kwargs:
        keys.append(_product_key(match.kwargs["pk"]))
    versions = cache.get_many(keys)
    if CATALOGUE_VERSION_KEY not in versions:
        versions[CATALOGUE_VERSION_KEY] = catalogue_version()
    version = ".".join(str(versions.get(k, 1)) for k in keys)
    url = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return f"{version}:{dates.today():%Y%m%d}:{language}:{request.get_host()}:{url}"


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    return not any(word in response.get("Cache-Control", "") for word in ("private", "no-cache", "no-store"))


def without_csrf_token(content: bytes) -> bytes:
    return CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", content)


def with_csrf_token(request, content: bytes) -> bytes:
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    return content


def _replayed_headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k.lower() not in SKIPPED_HEADERS}


class AnonymousPageCacheMiddleware:
    """Serve catalogue pages to anonymous shoppers from the cache (see the module docstring).

    Place it after CsrfViewMiddleware so a hit still gets its own CSRF cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = set(cached_views())

    def __call__(self, request):
        if not page_cache_seconds():
            return self.get_response(request)
        key = self.page_key(request)
        if key is None:
            return self.get_response(request)
        body_and_headers = versioned_cache().get(key)
        if body_and_headers is not None:
            return self.replay(request, *body_and_headers)
        response = self.get_response(request)
        if self.storable(response):
            content = without_csrf_token(response.content)
            # Every header the inner middleware set (CSP, X-Frame-Options, Content-Language…) is replayed.
            headers = _replayed_headers(response)
            history = response.cookies[HISTORY_COOKIE].value if HISTORY_COOKIE in response.cookies else None
            versioned_cache().set(key, (content, headers, history), page_cache_seconds())
            response["X-Page-Cache"] = "miss"
        return response

    def page_key(self, request) -> str | None:
        if request.method not in ("GET", "HEAD") or not self.anonymous(request):
            return None
        match = cached_view(request, self.views)
        if match is None:
            return None
        personal = ""
        if match.view_name == "catalogue:detail":
            # The product page lists the visitor's recently viewed products (from a cookie).
            personal = hashlib.sha1(request.COOKIES.get(HISTORY_COOKIE, "").encode()).hexdigest()[:12]
        return f"page:{page_versions(request, match)}:{personal}"

    @staticmethod
    def anonymous(request) -> bool:
        cookies = request.COOKIES
        return not (
            settings.SESSION_COOKIE_NAME in cookies
            or getattr(settings, "OSCAR_BASKET_COOKIE_OPEN", "oscar_open_basket") in cookies
            or "messages" in cookies
        )

    @staticmethod
    def storable(response) -> bool:
        # The CSRF cookie is re-issued per requester and the history cookie is part of the key;
        # any other cookie means a personal response.
        return _storable(response) and all(
            name in (settings.CSRF_COOKIE_NAME, HISTORY_COOKIE) for name in response.cookies
        )

    @staticmethod
    def replay(request, content, headers, history):
        from oscar.apps.customer.history import CustomerHistoryManager

        response = HttpResponse(with_csrf_token(request, content), headers=headers)
        if history is not None:
            response.set_cookie(HISTORY_COOKIE, history, **CustomerHistoryManager.cookie_kwargs)
        response["X-Page-Cache"] = "hit"
        return response


class SharedPageCacheMiddleware:
    """Serve catalogue pages to signed-in visitors from one stored copy with their own parts filled in.

    Last in MIDDLEWARE: the session, the user and the basket are known when it runs, and every other
    middleware treats a hit like any response (session cookie, CSRF cookie, security headers).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = set(cached_views())

    def __call__(self, request):
        match = self.shareable(request) if page_cache_seconds() else None
        if match is None:
            return self.get_response(request)
        audience = "staff" if request.user.is_staff else "everyone"
        key = f"shared-page:{page_versions(request, match)}:{audience}"
        stored = versioned_cache().get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(holes.fill(request, with_csrf_token(request, content)), headers=headers)
            response["X-Page-Cache"] = "shared-hit"
            self.viewed(request, response, match)
            return response
        setattr(request, holes.PUNCH_ATTRIBUTE, True)
        try:
            response = self.get_response(request)
        finally:
            setattr(request, holes.PUNCH_ATTRIBUTE, False)
        if response.streaming:
            return response
        content = response.content
        if _storable(response) and all(name == HISTORY_COOKIE for name in response.cookies):
            versioned_cache().set(
                key, (without_csrf_token(content), _replayed_headers(response)), page_cache_seconds()
            )
            response["X-Page-Cache"] = "shared-miss"
        # Every response rendered with markers (an error page too) gets the visitor's own parts.
        response.content = holes.fill(request, content)
        return response

    def shareable(self, request):
        """The URL match when this request may be answered from a shared page, else None."""
        if request.method not in ("GET", "HEAD") or AnonymousPageCacheMiddleware.anonymous(request):
            return None
        match = cached_view(request, self.views)
        if match is None:
            return None
        from shop.caching import personal

        # Messages to show are part of the page; an anonymous basket still to be merged needs loading.
        if request.COOKIES.get("messages") or request.session.get("_messages"):
            return None
        if personal.basket_owner(request) is None:
            return None
        return match

    @staticmethod
    def viewed(request, response, match):
        """What Oscar's product page does besides rendering: its history cookie and the view count."""
        if match.view_name != "catalogue:detail" or "pk" not in match.kwargs:
            return
        from types import SimpleNamespace

        from oscar.apps.catalogue.signals import product_viewed

        pk = int(match.kwargs["pk"])
        product_viewed.send(
            sender=SharedPageCacheMiddleware,
            product=SimpleNamespace(pk=pk, id=pk),
            user=request.user,
            request=request,
            response=response,
        )


# -- invalidation: reacting to writes made by code we do not own (Oscar's dashboard, Wagtail) -----


def _catalogue_model_saved(sender, **kwargs):
    from catalogue_ext import changes

    if not changes.by_our_code():
        catalogue_changed()


def _order_stock_moved(sender, order, **kwargs):
    from catalogue_ext import changes

    if not changes.by_our_code():
        changes.order_stock_moved(order)


def _site_navigation_saved(sender, created=False, **kwargs):
    # Wagtail creates the empty setting on the first page that reads it: nothing shown changes then.
    if not created:
        catalogue_changed()


def _basket_saved(sender, instance, **kwargs):
    from shop.caching import personal

    personal.basket_changed(basket_id=instance.pk, owner_id=instance.owner_id)


def _basket_line_saved(sender, instance, **kwargs):
    from oscar.core.loading import get_model

    from shop.caching import personal

    Basket = get_model("basket", "Basket")
    if "basket" in instance._state.fields_cache:
        owner_id = instance.basket.owner_id
    else:
        owner_id = Basket.objects.filter(pk=instance.basket_id).values_list("owner_id", flat=True).first()
    personal.basket_changed(basket_id=instance.basket_id, owner_id=owner_id)


def _basket_vouchers_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from oscar.core.loading import get_model

    from shop.caching import personal

    if not action.startswith("post_"):
        return
    if not reverse:
        from shop.offer.applicator import forget_offers

        forget_offers(instance)  # the offers its vouchers bring change
        personal.basket_changed(basket_id=instance.pk, owner_id=instance.owner_id)
        return
    baskets = get_model("basket", "Basket").objects.filter(vouchers=instance)
    if pk_set:
        baskets = get_model("basket", "Basket").objects.filter(pk__in=pk_set)
    for basket_id, owner_id in baskets.values_list("pk", "owner_id"):
        personal.basket_changed(basket_id=basket_id, owner_id=owner_id)


def _roles_saved(sender, instance, **kwargs):
    from shop.caching import personal

    personal.roles_changed([instance.user_id])


def _seller_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from shop.caching import personal

    if reverse:  # user.partners.add(…): the user is the instance
        if action in ("post_add", "post_remove", "pre_clear"):
            personal.roles_changed([instance.pk])
    elif action in ("post_add", "post_remove"):
        personal.roles_changed(pk_set or [])
    elif action == "pre_clear":  # the users are known only before they are unlinked
        personal.roles_changed(list(instance.users.values_list("pk", flat=True)))


def _review_saved(sender, instance, **kwargs):
    from shop.caching import personal

    personal.reviews_changed(instance.user_id)


def _offer_saved(sender, **kwargs):
    from shop.caching import personal

    personal.offers_changed()


def _notification_saved(sender, instance, **kwargs):
    from shop.caching import personal

    personal.notifications_changed(instance.recipient_id)


def connect_receivers():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed
    from oscar.apps.analytics.receivers import receive_product_view
    from oscar.apps.catalogue.signals import product_viewed
    from oscar.apps.order.signals import order_placed, order_status_changed
    from oscar.core.loading import get_model
    from wagtail.signals import page_published, page_unpublished

    from shop.caching import analytics
    from shop.caching.permissions import permissions_changed

    for app_label, model_name in [
        ("catalogue", "Product"),
        ("catalogue", "ProductCertificate"),
        ("catalogue", "ProductImage"),
        ("catalogue", "ProductCategory"),
        ("catalogue", "Category"),
        ("partner", "StockRecord"),
        ("partner", "Partner"),
    ]:
        model = get_model(app_label, model_name)
        uid = f"aidmarket-cache-{app_label}-{model_name}"
        post_save.connect(_catalogue_model_saved, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_catalogue_model_saved, sender=model, dispatch_uid=uid + "-delete")
    # The header menu and footer, cached as fragments per catalogue version.
    post_save.connect(
        _site_navigation_saved,
        sender=get_model("cms", "SiteNavigation"),
        dispatch_uid="aidmarket-cache-site-nav",
    )
    page_published.connect(_catalogue_model_saved, dispatch_uid="aidmarket-cache-page-published")
    page_unpublished.connect(_catalogue_model_saved, dispatch_uid="aidmarket-cache-page-unpublished")
    order_placed.connect(_order_stock_moved, dispatch_uid="aidmarket-cache-order-placed")
    order_status_changed.connect(_order_stock_moved, dispatch_uid="aidmarket-cache-order-status")

    # Product views are counted in the cache and written in batches, not in the page's request.
    product_viewed.disconnect(receive_product_view)
    product_viewed.connect(analytics.record_view, dispatch_uid="aidmarket-product-viewed")

    # The per-user parts of shared pages (shop/caching/personal.py, permissions.py). Offers and vouchers
    # change basket totals only (their usage counters are saved with every order that uses them).
    for app_label, model_name in [
        ("offer", "ConditionalOffer"),
        ("offer", "Condition"),
        ("offer", "Benefit"),
        ("offer", "Range"),
        ("voucher", "Voucher"),
    ]:
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                _offer_saved,
                sender=get_model(app_label, model_name),
                dispatch_uid=f"aidmarket-offers-{model_name}-{name}",
            )
    Basket = get_model("basket", "Basket")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_basket_saved, sender=Basket, dispatch_uid=f"aidmarket-basket-{name}")
        signal.connect(
            _basket_line_saved, sender=get_model("basket", "Line"), dispatch_uid=f"aidmarket-line-{name}"
        )
        signal.connect(
            _notification_saved,
            sender=get_model("communication", "Notification"),
            dispatch_uid=f"aidmarket-notification-{name}",
        )
        for model in (Permission, Group):
            signal.connect(
                permissions_changed, sender=model, dispatch_uid=f"aidmarket-perms-{model.__name__}-{name}"
            )
    m2m_changed.connect(
        _basket_vouchers_changed, sender=Basket.vouchers.through, dispatch_uid="aidmarket-vouchers"
    )
    # Who may open which workspace (the account menu, cached per user): organisation members, county
    # officers and the users linked to a seller.
    for app_label, model_name in [("institutions", "Membership"), ("sellers", "CountyOfficer")]:
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                _roles_saved,
                sender=get_model(app_label, model_name),
                dispatch_uid=f"aidmarket-roles-{model_name}-{name}",
            )
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(
            _review_saved,
            sender=get_model("reviews", "ProductReview"),
            dispatch_uid=f"aidmarket-reviews-{name}",
        )
    m2m_changed.connect(
        _seller_links_changed,
        sender=get_model("partner", "Partner").users.through,
        dispatch_uid="aidmarket-roles-partner-users",
    )
    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            permissions_changed, sender=through, dispatch_uid=f"aidmarket-perms-{through.__name__}"
        )


class CachingConfig(AppConfig):
    """Connects cache invalidation to writes made by Oscar's and Wagtail's own code."""

    name = "shop.caching"
    label = "aidmarket_caching"
    verbose_name = "Aidmarket page cache"

    def ready(self):
        from shop.caching import parts  # noqa: F401  (registers the personal parts)

        connect_receivers()
