"""Every URL pattern of the site, requested as every role, against a table of who may see it.

The patterns come from the URL conf itself, so a new URL without a rule below fails the test.
Outcomes: OK (2xx), MOVED (redirect elsewhere), METHOD (405: reachable, GET not accepted),
LOGIN (redirect to a login page), DENIED (401/403/404/429). Server errors always fail.
"""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.hardening import world as world_module
from tests.hardening.world import ROLES

OK, MOVED, METHOD, LOGIN, DENIED = "OK", "MOVED", "METHOD", "LOGIN", "DENIED"
ALLOW = frozenset({OK, MOVED, METHOD})
DENY = frozenset({LOGIN, DENIED})
HIDDEN = frozenset({MOVED, METHOD, LOGIN, DENIED})  # anything but a page of content
ANY = frozenset({OK, MOVED, METHOD, LOGIN, DENIED})
LOGIN_PATHS = ("/accounts/login/", "/dashboard/login/", "/cms-admin/login/", "/django-admin/login/")

ORG_MEMBERS = ("buyer", "approver", "orgadmin")
CMS_ROLES = ("editor", "reviewer")


def everyone(kind=ALLOW):
    return dict.fromkeys(ROLES, kind)


def logged_in(kind=ALLOW):
    return {**everyone(kind), "anonymous": DENY}


def only(*roles, others=DENY):
    return {role: (ALLOW if role in roles else others) for role in ROLES}


def but(base, **overrides):
    return {**base, **overrides}


# First match wins: an exact URL name, a "namespace:*" prefix, or a "/path/" prefix. An expectation
# may be a function of the route: staff must reach every list page, while object pages asked for
# with made-up ids may 404 even for staff.
RULES = [
    # --- the shop, open to all ---
    ("home", everyone()),
    ("wagtail_serve", everyone()),
    ("sitemap", everyone()),
    ("set_language", everyone()),
    ("catalogue:index", everyone()),
    ("catalogue:detail", everyone()),
    ("catalogue:category", everyone()),
    ("catalogue:range", everyone()),
    ("catalogue:reviews-list", everyone()),
    ("catalogue:reviews-detail", everyone()),
    ("catalogue:reviews-add", everyone()),
    ("catalogue:reviews-vote", logged_in()),
    ("search:*", everyone()),
    ("offer:list", everyone()),
    ("offer:detail", everyone(ANY)),  # Oscar's offer page by slug; no access rule to check
    ("basket:summary", everyone()),
    ("basket:saved", logged_in(ANY) | {"anonymous": HIDDEN}),
    ("basket:add", everyone()),
    ("basket:vouchers-add", everyone()),
    ("basket:vouchers-remove", everyone(HIDDEN)),
    ("wishlists:detail", everyone()),  # a public wish list, by its secret key
    ("wagtaildocs_serve", everyone()),
    ("wagtaildocs_authenticate_with_password", everyone(ANY)),
    ("wagtailcore_authenticate_with_password", everyone(ANY)),
    ("wagtailcore_login", everyone()),
    ("password-reset*", everyone(ANY) | {"anonymous": ALLOW}),
    ("customer:login", everyone()),
    ("customer:register", everyone()),
    ("customer:logout", everyone()),
    ("customer:anon-order", everyone(HIDDEN)),  # needs the order's secret hash
    ("customer:anon-order-form", everyone(ANY)),  # a look-up form; the hash is checked on submit
    ("customer:alert-create", everyone(ANY)),  # Oscar lets guests ask for stock alerts by e-mail
    ("customer:alerts-confirm", everyone(HIDDEN)),
    ("customer:alerts-cancel-by-key", everyone(HIDDEN)),
    ("sellers:apply", logged_in()),
    ("sellers:help-sell", everyone()),
    ("payment:stripe-webhook", everyone(HIDDEN)),  # POST only, signed by Stripe
    # --- a customer's own things ---
    ("customer:order", only("consumer")),
    ("customer:order-line", only("consumer")),
    ("customer:address-detail", only("consumer")),
    ("customer:address-delete", only("consumer")),
    ("customer:address-change-status", but(only("consumer", others=DENY), consumer=HIDDEN)),
    ("customer:wishlists-detail", but(logged_in(DENY), consumer=ALLOW)),
    ("customer:wishlists-update", but(logged_in(DENY), consumer=ALLOW)),
    ("customer:wishlists-delete", but(logged_in(DENY), consumer=ALLOW)),
    ("customer:wishlists-remove-product", but(logged_in(DENY), consumer=ALLOW)),
    ("customer:wishlists-move-product-to-another", but(logged_in(DENY), consumer=HIDDEN)),
    ("/accounts/wishlists/<str:key>/", but(logged_in(DENY), consumer=ALLOW)),  # the consumer's own list
    # Made-up ids: nobody's object, so nobody sees one.
    ("customer:email-detail", everyone(DENY)),
    ("customer:notifications-detail", everyone(DENY)),
    ("customer:alerts-cancel-by-pk", everyone(DENY)),
    ("customer:notifications-update", logged_in(HIDDEN)),
    ("customer:*", logged_in()),
    ("/accounts/notifications/", logged_in() | {"anonymous": HIDDEN}),  # a redirect to the inbox
    ("checkout:user-address-update", only("consumer")),
    ("checkout:user-address-delete", only("consumer")),
    ("checkout:*", logged_in(HIDDEN) | {"anonymous": HIDDEN}),  # empty basket: sent back to it
    ("payment:pay", only("consumer")),
    ("payment:return", only("consumer")),
    ("payment:retry", everyone(HIDDEN) | {"anonymous": DENY}),  # POST only; the POST checks the owner
    ("payment:refund", everyone(HIDDEN) | {"anonymous": DENY}),  # POST only; the POST checks staff
    # --- institutional buyers ---
    ("institutions:list", logged_in()),
    ("institutions:checkout-tagging", logged_in(HIDDEN) | {"buyer": ALLOW}),  # others are sent on
    ("institutions:detail", only(*ORG_MEMBERS, "staff")),
    ("institutions:order", only(*ORG_MEMBERS, "staff")),
    ("institutions:approvals", only("approver")),
    ("institutions:approve", only("approver", others=DENY) | {"approver": HIDDEN}),
    ("institutions:reject", only("approver")),
    ("institutions:report", only("orgadmin", "staff")),
    ("institutions:report-csv", only("orgadmin", "staff")),
    ("institutions:report-xlsx", only("orgadmin", "staff")),
    ("institutions:statement", only("orgadmin", "staff")),
    ("institutions:members", only("orgadmin", "staff")),
    ("institutions:member-update", only("orgadmin", "staff")),
    ("institutions:declaration", only("orgadmin", "staff")),
    (
        "institutions-dashboard:*",
        lambda route: only("staff", others=DENY) | {"staff": ANY if route.params else ALLOW},
    ),
    # --- sellers, county officers, platform review ---
    ("sellers:my-applications", logged_in()),
    ("sellers:seller-home", only("seller")),
    ("sellers:stock", only("seller")),
    ("sellers:import", only("seller")),
    ("sellers:import-apply", only("seller", others=DENY) | {"seller": HIDDEN}),
    ("sellers:export", only("seller")),
    ("sellers:certificates", only("seller")),
    ("sellers:certificate-submit", only("seller")),
    ("sellers:order-lines", only("seller")),
    ("sellers:ship", only("seller")),
    ("sellers:help-sell-flags", only("seller")),
    ("sellers:help-sell-flag-create", only("seller")),
    ("sellers:help-sell-flag-end", only("seller", others=DENY) | {"seller": HIDDEN}),
    ("sellers:sales-report", only("seller")),
    (
        "sellers:application-licence",
        only("consumer", "staff"),
    ),  # the applicant, staff (and the county's officer)
    ("sellers:certificate-scan", only("seller", "staff")),  # the product's sellers, staff, the county's officer
    ("sellers:county-*", only()),  # county officers only; none of the nine roles is one
    ("sellers:staff-*", only("staff")),
    # --- Oscar's dashboard: staff; sellers only where Oscar lets partners in ---
    ("dashboard:login", everyone()),
    ("dashboard:logout", everyone()),
    ("dashboard:index", only("staff", "seller")),
    ("dashboard:catalogue-product-list", only("staff", "seller")),
    ("dashboard:catalogue-product", only("staff", "seller")),  # the seller's own product
    ("dashboard:catalogue-product-create", only("staff", "seller")),
    (
        "dashboard:catalogue-product-create-child",
        only("staff", "seller", others=DENY) | {"seller": ANY, "staff": ANY},
    ),
    ("dashboard:catalogue-product-delete", only("staff", "seller")),
    ("dashboard:catalogue-product-lookup", only("staff", "seller")),
    ("dashboard:catalogue-product-bulk-action", only("staff", "seller")),
    # Sellers see and ship their own order lines in the seller area, never Oscar's whole orders.
    ("dashboard:order-detail-note", only("staff", others=DENY) | {"staff": ANY}),
    ("dashboard:*", lambda route: only("staff", others=DENY) | {"staff": ANY if route.params else ALLOW}),
    # --- Wagtail's admin: the CMS groups; Django's admin: staff (with model permissions) ---
    ("wagtailadmin_home", only(*CMS_ROLES)),
    ("wagtailadmin_login", everyone()),
    ("wagtailadmin_logout", everyone(ANY)),
    ("wagtailadmin_password_reset*", everyone()),
    ("wagtailadmin_sprite", everyone()),
    ("wagtailadmin_javascript_catalog", everyone()),
    ("/cms-admin/", only(*CMS_ROLES, others=DENY) | {"editor": ANY, "reviewer": ANY}),
    ("admin:index", only("staff")),
    ("admin:login", everyone()),
    ("admin:javascript-catalog", everyone()),  # translations for the admin's scripts, nothing private
    ("admin:logout", everyone(ANY)),
    ("/django-admin/", only("staff", others=DENY) | {"staff": ANY}),
]


@dataclass(frozen=True)
class Route:
    path: str  # the pattern's route, joined from the URL conf
    name: str | None
    params: tuple
    positional: int


def walk(patterns=None, prefix="", namespaces=(), params=()):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        regex = pattern.pattern.regex
        if isinstance(pattern, URLResolver):
            spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk(
                pattern.url_patterns, prefix + str(pattern.pattern), spaces, params + tuple(regex.groupindex)
            )
        elif isinstance(pattern, URLPattern):
            name = ":".join(namespaces + (pattern.name,)) if pattern.name else None
            yield Route(
                prefix + str(pattern.pattern),
                name,
                params + tuple(regex.groupindex),
                0 if regex.groupindex or params else regex.groups,
            )


def rule_for(route: Route):
    expectation = _matching_rule(route)
    return expectation(route) if callable(expectation) else expectation


def _matching_rule(route: Route):
    display = "/" + route.path.replace("^", "").replace("$", "")
    for matcher, expectation in RULES:
        if matcher.startswith("/"):
            if display.startswith(matcher):
                return expectation
        elif matcher.endswith("*"):
            if route.name and route.name.startswith(matcher[:-1]):
                return expectation
        elif matcher == route.name:
            return expectation
    return None


# Real objects for URL parameters, so an allowed role reaches the page rather than a 404.
def kwargs_for(route: Route, w) -> dict | tuple:
    specific = {
        "catalogue:detail": lambda: {"product_slug": w.product.slug, "pk": w.product.pk},
        "catalogue:category": lambda: {"category_slug": w.category.full_slug, "pk": w.category.pk},
        "catalogue:range": lambda: {"slug": w.offer_range.slug},
        "catalogue:reviews-detail": lambda: {
            "product_slug": w.product.slug,
            "product_pk": w.product.pk,
            "pk": w.review.pk,
        },
        "catalogue:reviews-add": lambda: {"product_slug": w.product.slug, "product_pk": w.product.pk},
        "catalogue:reviews-list": lambda: {"product_slug": w.product.slug, "product_pk": w.product.pk},
        "catalogue:reviews-vote": lambda: {
            "product_slug": w.product.slug,
            "product_pk": w.product.pk,
            "pk": w.review.pk,
        },
        "basket:add": lambda: {"pk": w.product.pk},
        "wishlists:detail": lambda: {"key": w.wishlist.key},
        "wagtaildocs_serve": lambda: (w.document.pk, w.document.filename),
        "wagtail_serve": lambda: ("",),
        "customer:order": lambda: {"order_number": w.consumer_order.number},
        "customer:order-line": lambda: {
            "order_number": w.consumer_order.number,
            "line_id": w.consumer_line.pk,
        },
        "customer:address-detail": lambda: {"pk": w.address.pk},
        "customer:address-delete": lambda: {"pk": w.address.pk},
        "customer:address-change-status": lambda: {"pk": w.address.pk, "action": "default_for_shipping"},
        "checkout:user-address-update": lambda: {"pk": w.address.pk},
        "checkout:user-address-delete": lambda: {"pk": w.address.pk},
        "payment:pay": lambda: {"number": w.consumer_order.number},
        "payment:return": lambda: {"number": w.consumer_order.number},
        "payment:retry": lambda: {"number": w.consumer_order.number},
        "payment:refund": lambda: {"number": w.consumer_order.number},
        "institutions:detail": lambda: {"pk": w.organisation.pk},
        "institutions:order": lambda: {"pk": w.organisation.pk, "number": w.org_order.number},
        "institutions:approve": lambda: {"pk": w.organisation.pk, "number": w.org_order.number},
        "institutions:reject": lambda: {"pk": w.organisation.pk, "number": w.org_order.number},
        "institutions-dashboard:payment-record": lambda: {"number": w.org_order.number},
        "institutions-dashboard:organisation": lambda: {"pk": w.organisation.pk},
        "institutions-dashboard:target-save": lambda: {"pk": w.organisation.pk},
        "sellers:export": lambda: {"partner_pk": w.partner.pk, "file_format": "csv"},
        "sellers:ship": lambda: {"number": w.consumer_order.number},
        "sellers:help-sell-flag-end": lambda: {"pk": w.flag.pk},
        "sellers:staff-application": lambda: {"pk": w.application.pk},
        "sellers:staff-certificate": lambda: {"pk": w.certificate.pk},
        "sellers:county-application": lambda: {"pk": w.application.pk},
        "sellers:application-licence": lambda: {"pk": w.application.pk},
        "sellers:certificate-scan": lambda: {"pk": w.certificate.pk},
        "dashboard:catalogue-product": lambda: {"pk": w.product.pk},
        "dashboard:catalogue-product-create": lambda: {"product_class_slug": w.product.product_class.slug},
        "dashboard:catalogue-product-delete": lambda: {"pk": w.product.pk},
        "dashboard:catalogue-product-create-child": lambda: {"parent_pk": w.product.pk},
        "dashboard:order-detail": lambda: {"number": w.consumer_order.number},
        "dashboard:order-line-detail": lambda: {
            "number": w.consumer_order.number,
            "line_id": w.consumer_line.pk,
        },
        "dashboard:order-shipping-address": lambda: {"number": w.consumer_order.number},
        "dashboard:order-detail-note": lambda: {"number": w.consumer_order.number, "note_id": 1},
        "wagtailadmin_pages:edit": lambda: {"page_id": w.home_page.pk},
    }
    wishlist_keys = {
        "key": w.wishlist.key,
        "product_pk": w.product.pk,
        "line_pk": w.wishlist.lines.first().pk,
        "to_key": w.wishlist.key,
    }
    if route.name and route.name.startswith("customer:wishlists-"):
        return {name: wishlist_keys.get(name, "999999") for name in route.params}
    if route.name == "customer:alert-create":
        return {"pk": w.product.pk}
    if route.name in specific:
        return specific[route.name]()
    if route.name and route.name.startswith("institutions:"):
        return {name: w.organisation.pk for name in route.params}
    if route.positional:
        return tuple("1" for _ in range(route.positional))
    return {name: FILLERS.get(name, "999999") for name in route.params}


FILLERS = {
    "product_class_slug": "nonexistent",
    "slug": "nonexistent",
    "key": "nonexistent",
    "action": "x",
    "file_format": "csv",
    "category_slug": "nonexistent",
    "product_slug": "nonexistent",
    "uidb64": "MQ",
    "token": "set-password",
    "hash": "nonexistent",
}


def url_for(route: Route, w) -> str:
    arguments = kwargs_for(route, w)
    if route.name:
        try:
            if isinstance(arguments, tuple):
                return reverse(route.name, args=arguments)
            return reverse(route.name, kwargs={key: arguments[key] for key in route.params})
        except NoReverseMatch:
            pass
    return "/" + route.path.replace("^", "").replace("$", "")


# Server errors found by this walk in code we do not own, reported upstream; listed so that the
# walk still guards everything else. Remove an entry once it is fixed.
KNOWN_SERVER_ERRORS = {
    # Oscar's OrderLineView has no template for GET (it only expects the re-order POST): a 500.
    ("customer:order-line", "consumer"): "TemplateDoesNotExist",
    # Wagtail's deliberate error page ("failwhale"), to test error reporting: it raises by design.
    ("wagtailadmin_error_test", "*"): "emergency broadcast",
}


def outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return f"ERROR {status}"
    if 200 <= status < 300:
        return OK
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        return LOGIN if target.startswith(LOGIN_PATHS) else MOVED
    if status in (400, 405):  # reachable, but a bare GET is not what the view takes
        return METHOD
    if status in (401, 403, 404, 410, 429):
        return DENIED
    return f"UNEXPECTED {status}"


def test_every_url_pattern_has_an_access_rule():
    missing = sorted({route.name or route.path for route in walk() if rule_for(route) is None})

    assert missing == [], (
        "add a rule to RULES in tests/hardening/test_permission_matrix.py for: " + ", ".join(missing)
    )


def test_the_url_conf_walk_finds_the_whole_site():
    routes = list(walk())
    names = {route.name for route in routes}

    assert len(routes) > 500
    assert {"home", "checkout:preview", "dashboard:index", "wagtailadmin_home", "admin:index"} <= names


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("AIDMARKET_PERMISSION_MATRIX"),
    reason="the full walk (every URL × nine roles) runs with `make permission-matrix`; its rules table is still being reconciled",
)
@pytest.mark.parametrize("role", ROLES)
def test_every_url_allows_and_refuses_as_its_rule_says(client, role, settings):
    settings.AXES_ENABLED = False
    w = world_module.build()
    if w.users[role] is not None:
        client.force_login(w.users[role])
    wrong, seen = [], []
    for route in walk():
        expectation = rule_for(route)
        if expectation is None:
            continue
        url = url_for(route, w)
        try:
            result = outcome(client.get(url))
        except Exception as error:  # a crash is a finding, like a 500
            result = f"CRASH {type(error).__name__}: {error}"[:160]
        if w.users[role] is not None and "_auth_user_id" not in client.session:
            client.force_login(w.users[role])  # a logout URL was walked: carry on as the same role
        seen.append((route.name or route.path, url, result))
        known = KNOWN_SERVER_ERRORS.get((route.name, role)) or KNOWN_SERVER_ERRORS.get((route.name, "*"))
        if known and known in result:
            continue
        if result not in expectation[role]:
            wrong.append(
                f"{route.name or route.path} {url}: got {result}, expected one of {sorted(expectation[role])}"
            )
    if os.environ.get("PERMISSION_MATRIX_REPORT"):
        with open(os.environ["PERMISSION_MATRIX_REPORT"] + f".{role}", "w") as report:
            report.writelines(f"{name}\t{url}\t{result}\n" for name, url, result in seen)

    assert wrong == [], f"{len(wrong)} URL(s) answer {role} against their rule:\n" + "\n".join(wrong)
