"""Every URL pattern of the site, requested as every role, against a table of who may see it.

The patterns come from the URL conf itself, so a new URL without a rule below fails the test. The roles
are the platform's nine plus a county officer and a finance-bureau member. Each URL is asked for with real objects of one world
(world.py, built once per module), and the URLs that take an object owned by someone (an order, an
organisation, a seller's product or certificate, a county's application) are asked for a second time with
another owner's object, so refusals are proven and not only menus. Runs in `make test`.
Outcomes: OK (2xx), MOVED (redirect elsewhere), METHOD (400/405: reachable, a bare GET is not what it
takes), LOGIN (redirect to a login page), DENIED (401/403/404/410/429). Server errors always fail.
"""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.db import transaction
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


# Platform staff hold the shop's model permissions, not the CMS's (Wagtail's admin) or the lockouts' (axes).
NOT_STAFFS_APPS = ("wagtaildocs", "wagtailimages", "axes")


def _staff_manages(route) -> bool:
    return route.path.split("/")[1] not in NOT_STAFFS_APPS


# First match wins: an exact URL name, a "namespace:*" prefix, or a "/path/" prefix. An expectation
# may be a function of the route: staff must reach every list page, while object pages asked for
# with made-up ids may 404 even for staff.
RULES = [
    # --- the shop, open to all ---
    ("home", everyone()),
    ("wagtail_serve", everyone()),
    ("sitemap", everyone()),
    ("address-regions", everyone()),  # 省/市/区 lists for the address form: public data
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
    ("offer:detail", everyone()),
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
    ("customer:anon-order", everyone()),  # whoever holds the order's secret hash (guest checkout)
    ("customer:anon-order-form", everyone()),
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
    ("customer:email-detail", only("consumer")),
    ("customer:notifications-detail", only("consumer")),
    ("customer:alerts-cancel-by-pk", only("consumer")),
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
    ("institutions:detail", only(*ORG_MEMBERS, "staff", "bureau")),
    ("institutions:order", only(*ORG_MEMBERS, "staff", "bureau")),
    # Acceptance (验收) is the buying unit's own act: its members only, not staff nor the bureau.
    ("institutions:order-acceptance", only(*ORG_MEMBERS)),
    ("institutions:approvals", only("approver")),
    ("institutions:approve", only("approver", others=DENY) | {"approver": HIDDEN}),
    ("institutions:reject", only("approver")),
    ("institutions:report", only("orgadmin", "staff", "bureau")),
    ("institutions:report-csv", only("orgadmin", "staff", "bureau")),
    ("institutions:report-xlsx", only("orgadmin", "staff", "bureau")),
    ("institutions:statement", only("orgadmin", "staff", "bureau")),
    ("institutions:statement-export", only("orgadmin", "staff", "bureau")),
    ("institutions:members", only("orgadmin", "staff")),
    ("institutions:member-update", only("orgadmin", "staff")),
    ("institutions:declaration", only("orgadmin", "staff", "bureau")),
    # A finance bureau's pages: its members (and staff); another bureau's: staff only (FOREIGN below).
    ("institutions:bureau", only("bureau", "staff")),
    ("institutions:bureau-export", only("bureau", "staff")),
    ("institutions:bureau-export-job", only("bureau", "staff")),  # POST only: a bare GET is 405
    ("institutions-dashboard:*", only("staff")),
    ("jobs-dashboard:*", only("staff")),  # operators' view of the background jobs
    # A job's pages belong to whoever asked for it (and staff); the world has no job, so every role is
    # refused here, and tests/core/test_jobs.py asks again with another user's real job.
    ("jobs:*", everyone(DENY)),
    # --- sellers, county officers, platform review ---
    ("sellers:my-applications", logged_in()),
    ("sellers:seller-home", only("seller")),
    ("sellers:stock", only("seller")),
    ("sellers:import", only("seller")),
    ("sellers:import-apply", only("seller", others=DENY) | {"seller": HIDDEN}),
    # The seller of the matrix has no refused file: sent back to the import page.
    ("sellers:import-errors", only("seller", others=DENY) | {"seller": HIDDEN}),
    ("sellers:export", only("seller")),
    ("sellers:import-template", only("seller")),
    ("sellers:certificates", only("seller")),
    ("sellers:certificate-submit", only("seller")),
    ("sellers:order-lines", only("seller")),
    ("sellers:ship", only("seller")),
    ("sellers:help-sell-flags", only("seller")),
    ("sellers:help-sell-flag-create", only("seller")),
    ("sellers:help-sell-flag-end", only("seller", others=DENY) | {"seller": HIDDEN}),
    ("sellers:sales-report", only("seller")),
    ("sellers:application-licence", only("consumer", "staff", "officer")),  # applicant, staff, the county
    ("sellers:certificate-scan", only("seller", "staff", "officer")),  # the product's sellers, its county
    ("sellers:county-*", only("officer")),  # read-only, its own county
    ("sellers:staff-*", only("staff")),
    # --- docking: the public board; buyers their organisation's demands; sellers; officers; reports ---
    ("docking:board", everyone()),
    ("docking:board-detail", everyone()),
    ("docking:my-demands", logged_in()),
    ("docking:demand-create", logged_in()),
    ("docking:demand", only("buyer", "orgadmin")),
    ("docking:demand-edit", only("buyer")),  # a draft: those who buy for the organisation
    ("docking:award", only("buyer", "orgadmin")),  # GET: back to the demand; POST refuses the admin
    ("docking:demand-action", logged_in(HIDDEN)),  # POST only; the demand is looked up on POST
    ("docking:seller-demands", only("seller")),
    ("docking:quote", only("seller")),
    ("docking:quote-withdraw", only("seller", others=DENY) | {"seller": HIDDEN}),
    ("docking:county-demands", only("officer")),
    ("docking:county-push", only("officer", others=DENY) | {"officer": HIDDEN}),
    ("docking:report", only("staff", "officer")),
    ("docking:report-export", only("staff", "officer")),
    ("docking:intent-create", logged_in()),
    # --- Oscar's dashboard: staff; sellers only where Oscar lets partners in ---
    ("dashboard:login", everyone()),
    ("dashboard:logout", everyone()),
    ("dashboard:index", only("staff", "seller")),
    ("dashboard:catalogue-product-list", only("staff", "seller")),
    ("dashboard:catalogue-product", only("staff", "seller")),  # the seller's own product
    ("dashboard:catalogue-product-create", only("staff", "seller")),
    ("dashboard:catalogue-product-create-child", only("staff")),  # sellers list standalone products
    ("dashboard:catalogue-product-delete", only("staff", "seller")),
    ("dashboard:catalogue-product-lookup", only("staff", "seller")),
    ("dashboard:catalogue-product-bulk-action", only("staff", "seller")),
    # Sellers see and ship their own order lines in the seller area, never Oscar's whole orders.
    # Bank refunds: staff who may change orders (the seller, who can reach the dashboard, may not).
    ("dashboard:order-bank-refund", only("staff")),
    ("dashboard:*", only("staff")),
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
    ("admin:autocomplete", only()),  # needs the app, model and field it completes: a bare GET is refused
    ("/django-admin/(?P<url>.*)", only()),  # the catch-all: unknown admin URLs are 404s
    # A legacy /<id>/ URL or a missing row redirects before the permission check: never the page itself.
    (
        "/django-admin/",
        lambda route: only("staff") if _staff_manages(route) else only() | {"staff": DENY | {MOVED}},
    ),
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
        "offer:detail": lambda: {"slug": w.offer.slug},
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
        "basket:vouchers-remove": lambda: {"pk": w.voucher.pk},
        "wishlists:detail": lambda: {"key": w.wishlist.key},
        "wagtaildocs_serve": lambda: (w.document.pk, w.document.filename),
        "wagtail_serve": lambda: ("",),
        "customer:order": lambda: {"order_number": w.consumer_order.number},
        "customer:order-line": lambda: {
            "order_number": w.consumer_order.number,
            "line_id": w.consumer_line.pk,
        },
        "customer:anon-order": lambda: {
            "order_number": w.consumer_order.number,
            "hash": w.consumer_order.verification_hash(),
        },
        "customer:anon-order-form": lambda: {
            "order_number": w.consumer_order.number,
            "hash": w.consumer_order.verification_hash(),
        },
        "customer:address-detail": lambda: {"pk": w.address.pk},
        "customer:address-delete": lambda: {"pk": w.address.pk},
        "customer:address-change-status": lambda: {"pk": w.address.pk, "action": "default_for_shipping"},
        "customer:email-detail": lambda: {"email_id": w.email.pk},
        "customer:notifications-detail": lambda: {"pk": w.notification.pk},
        "customer:alert-create": lambda: {"pk": w.product.pk},
        "customer:alerts-confirm": lambda: {"key": w.anonymous_alert.key},
        "customer:alerts-cancel-by-key": lambda: {"key": w.anonymous_alert.key},
        "customer:alerts-cancel-by-pk": lambda: {"pk": w.alert.pk},
        "checkout:user-address-update": lambda: {"pk": w.address.pk},
        "checkout:user-address-delete": lambda: {"pk": w.address.pk},
        "payment:pay": lambda: {"number": w.consumer_order.number},
        "payment:return": lambda: {"number": w.consumer_order.number},
        "payment:retry": lambda: {"number": w.consumer_order.number},
        "payment:refund": lambda: {"number": w.consumer_order.number},
        "institutions:order": lambda: {"pk": w.organisation.pk, "number": w.org_order.number},
        "institutions:order-acceptance": lambda: {"pk": w.organisation.pk, "number": w.org_order.number},
        "institutions:statement-export": lambda: {"pk": w.organisation.pk, "fmt": "xlsx"},
        "institutions:bureau": lambda: {"bureau": w.bureau.pk},
        "institutions:bureau-export": lambda: {"bureau": w.bureau.pk, "fmt": "xlsx"},
        "institutions:bureau-export-job": lambda: {"bureau": w.bureau.pk},
        "institutions:approve": lambda: {"pk": w.organisation.pk, "number": w.org_order.number},
        "institutions:reject": lambda: {"pk": w.organisation.pk, "number": w.org_order.number},
        "institutions:member-update": lambda: {
            "pk": w.organisation.pk,
            "member": w.organisation.memberships.get(user=w.users["buyer"]).pk,
        },
        "institutions-dashboard:payment-record": lambda: {"number": w.org_order.number},
        "institutions-dashboard:organisation": lambda: {"pk": w.organisation.pk},
        "institutions-dashboard:target-save": lambda: {"pk": w.organisation.pk},
        "docking:board-detail": lambda: {"pk": w.demand.pk},
        "docking:demand": lambda: {"pk": w.demand.pk},
        "docking:demand-edit": lambda: {"pk": w.draft_demand.pk},
        "docking:award": lambda: {"pk": w.demand.pk},
        "docking:demand-action": lambda: {"pk": w.demand.pk, "action": "cancel"},
        "docking:quote": lambda: {"pk": w.demand.pk},
        "docking:quote-withdraw": lambda: {"pk": w.quote.pk},
        "docking:county-push": lambda: {"pk": w.demand.pk},
        "docking:report-export": lambda: {"fmt": "csv"},
        "docking:intent-create": lambda: {"page_id": w.trade_fair.pk},
        "sellers:export": lambda: {"partner_pk": w.partner.pk, "file_format": "csv"},
        "sellers:import-template": lambda: {"partner_pk": w.partner.pk, "file_format": "xlsx"},
        "sellers:import-errors": lambda: {"file_format": "xlsx"},
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
        "dashboard:catalogue-category-detail-list": lambda: {"pk": w.category.pk},
        "dashboard:catalogue-category-create-child": lambda: {"parent": w.category.pk},
        "dashboard:catalogue-category-update": lambda: {"pk": w.category.pk},
        "dashboard:catalogue-category-delete": lambda: {"pk": w.category.pk},
        "dashboard:catalogue-class-update": lambda: {"pk": w.product.product_class.pk},
        "dashboard:catalogue-class-delete": lambda: {"pk": w.product.product_class.pk},
        "dashboard:catalogue-attribute-option-group-update": lambda: {"pk": w.option_group.pk},
        "dashboard:catalogue-attribute-option-group-delete": lambda: {"pk": w.option_group.pk},
        "dashboard:catalogue-option-update": lambda: {"pk": w.option.pk},
        "dashboard:catalogue-option-delete": lambda: {"pk": w.option.pk},
        "dashboard:order-detail": lambda: {"number": w.consumer_order.number},
        "dashboard:order-line-detail": lambda: {
            "number": w.consumer_order.number,
            "line_id": w.consumer_line.pk,
        },
        "dashboard:order-shipping-address": lambda: {"number": w.consumer_order.number},
        "dashboard:order-bank-refund": lambda: {"number": w.consumer_order.number},
        "dashboard:order-detail-note": lambda: {
            "number": w.consumer_order.number,
            "note_id": w.order_note.pk,
        },
        "dashboard:user-detail": lambda: {"pk": w.users["consumer"].pk},
        "dashboard:user-password-reset": lambda: {"pk": w.users["consumer"].pk},
        "dashboard:user-alert-delete": lambda: {"pk": w.alert.pk},
        "dashboard:user-alert-update": lambda: {"pk": w.alert.pk},
        "dashboard:page-update": lambda: {"pk": w.flatpage.pk},
        "dashboard:page-delete": lambda: {"pk": w.flatpage.pk},
        "dashboard:partner-manage": lambda: {"pk": w.partner.pk},
        "dashboard:partner-delete": lambda: {"pk": w.partner.pk},
        "dashboard:comms-update": lambda: {"slug": w.event_type.code},
        "dashboard:shipping-method-band-edit": lambda: {
            "method_pk": w.shipping_method.pk,
            "pk": w.weight_band.pk,
        },
        "dashboard:shipping-method-band-delete": lambda: {
            "method_pk": w.shipping_method.pk,
            "pk": w.weight_band.pk,
        },
        "admin:app_list": lambda: {"app_label": "catalogue"},
        "wagtailadmin_pages:revisions_compare": lambda: {
            "pk": w.home_page.pk,
            "revision_id_a": "earliest",
            "revision_id_b": "latest",
        },
        "wagtailadmin_pages:move_confirm": lambda: {
            "page_to_move_id": w.home_page.pk,
            "destination_id": w.home_page.get_parent().pk,
        },
    }
    if route.name and route.name.startswith("customer:wishlists-"):
        wishlist_keys = {
            "key": w.wishlist.key,
            "product_pk": w.product.pk,
            "line_pk": w.wishlist.lines.first().pk,
            "to_key": w.second_wishlist.key,
        }
        return {name: wishlist_keys[name] for name in route.params}
    if route.name in specific:
        return specific[route.name]()
    if route.name and route.name.startswith("institutions:"):
        return {name: w.organisation.pk for name in route.params}
    if route.path.startswith("django-admin/") and ({"object_id", "id"} & set(route.params)):
        return _admin_object(route, w)
    if route.positional:
        return tuple("1" for _ in range(route.positional))
    return {name: _filler(route, name, w) for name in route.params}


def _admin_object(route: Route, w) -> dict:
    """Django admin: the first row of the model the URL is about (the world made at least one)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    if "content_type_id" in route.params:  # "view on site": /django-admin/r/<content type>/<id>/
        return {"content_type_id": ContentType.objects.get_for_model(w.product).pk, "object_id": w.product.pk}
    app_label, model_name = route.path.split("/")[1:3]
    row = apps.get_model(app_label, model_name)._default_manager.order_by("pk").first()
    key = "object_id" if "object_id" in route.params else "id"
    return {key: str(row.pk) if row else MADE_UP}


MADE_UP = "999999"  # only where the world has no such object (see _filler); listed in the report


def _filler(route: Route, name: str, w):
    namespace = (route.name or "").split(":")[0]
    by_namespace = {
        "wagtailimages": {"image_id": w.image.pk, "filter_spec": "original"},
        "wagtailimages_chooser": {"pk": w.image.pk, "image_id": w.image.pk},
        "wagtaildocs": {"document_id": w.document.pk, "doc_id": w.document.pk},
        "wagtaildocs_chooser": {"pk": w.document.pk},
        "wagtailadmin_api": {"pk": w.home_page.pk, "action_name": "copy"},
        "wagtailadmin_collections": {"pk": w.collection.pk, "collection_id": w.collection.pk},
        "wagtailadmin_workflows": {
            "pk": w.workflow.pk,
            "page_pk": w.home_page.pk,
            "workflow_pk": w.workflow.pk,
            "task_id": w.task.pk,
            "app_label": "wagtailcore",
            "model_name": "groupapprovaltask",
        },
        "wagtailredirects": {"redirect_id": w.redirect.pk},
        "wagtailsettings": {"app_name": "cms", "model_name": "sitenavigation", "pk": w.site.pk},
        "wagtailsites": {"pk": w.site.pk},
        "wagtailusers_users": {"pk": w.users["editor"].pk},
        "wagtailusers_groups": {"pk": w.editors_group.pk},
        "product_chooser": {"pk": w.product.pk},
        "county_chooser": {"pk": w.county.pk},
        "seller_chooser": {"pk": w.partner.pk},
        "wagtailadmin_pages": {
            "page_id": w.home_page.pk,
            "parent_page_id": w.home_page.pk,
            "page_to_move_id": w.home_page.pk,
            "revision_id": w.revision.pk,
            "task_id": w.task.pk,
            "content_type_app_name": "cms",
            "content_type_model_name": w.home_page.specific_class._meta.model_name,
            "app_label": "cms",
            "model_name": w.home_page.specific_class._meta.model_name,
            "action_name": "approve",
        },
        "wagtail_bulk_action": {"app_label": "wagtailcore", "model_name": "page", "action": "delete"},
        "dashboard": {
            "pk": {
                "offer": w.offer.pk,
                "range": w.offer_range.pk,
                "reviews": w.review.pk,
                "voucher-set": w.voucher_set.pk,
                "voucher": w.voucher.pk,
                "shipping": w.shipping_method.pk,
            },
            "partner_pk": w.partner.pk,
            "user_pk": w.users["seller"].pk,
        },
    }
    choices = by_namespace.get(namespace) or by_namespace.get(route.name) or {}
    if name in ("parent_page_id", "page_id") and namespace not in by_namespace:
        choices = {name: w.home_page.pk}  # the explorer, choosers, form submissions: the home page
    value = choices.get(name)
    if isinstance(value, dict):  # Oscar's dashboard: "pk" of whichever object the URL is about
        kind = route.name.split(":")[1]
        value = next(pk for prefix, pk in value.items() if kind.startswith(prefix))
    if value is None:
        value = FILLERS.get(name, MADE_UP)
    return value


FILLERS = {
    "uidb64": "MQ",
    "token": "set-password",
    "app_name": "cms",
    "model_name": "sitenavigation",
    "file_format": "csv",
}


# The same URLs asked for with another seller's, organisation's, customer's or county's object: every role
# but staff (and, for public wish lists, nobody) must be refused, which proves the fences, not only the menus.
FOREIGN = {
    "customer:order": lambda w: {"order_number": w.other_order.number},
    "customer:order-line": lambda w: {
        "order_number": w.other_order.number,
        "line_id": w.other_order.lines.first().pk,
    },
    "customer:address-detail": lambda w: {"pk": w.other_address.pk},
    "customer:address-delete": lambda w: {"pk": w.other_address.pk},
    "customer:address-change-status": lambda w: {
        "pk": w.other_address.pk,
        "action": "default_for_shipping",
    },
    "checkout:user-address-update": lambda w: {"pk": w.other_address.pk},
    "checkout:user-address-delete": lambda w: {"pk": w.other_address.pk},
    "customer:wishlists-detail": lambda w: {"key": w.other_wishlist.key},
    "customer:wishlists-update": lambda w: {"key": w.other_wishlist.key},
    "customer:wishlists-delete": lambda w: {"key": w.other_wishlist.key},
    "wishlists:detail": lambda w: {"key": w.other_wishlist.key},  # private: not even by its key
    "payment:pay": lambda w: {"number": w.other_order.number},
    "payment:return": lambda w: {"number": w.other_order.number},
    "institutions:detail": lambda w: {"pk": w.other_organisation.pk},
    "institutions:order": lambda w: {"pk": w.other_organisation.pk, "number": w.other_org_order.number},
    "institutions:order-acceptance": lambda w: {
        "pk": w.other_organisation.pk,
        "number": w.other_org_order.number,
    },
    "institutions:approvals": lambda w: {"pk": w.other_organisation.pk},
    "institutions:reject": lambda w: {"pk": w.other_organisation.pk, "number": w.other_org_order.number},
    "institutions:report": lambda w: {"pk": w.other_organisation.pk},
    "institutions:report-csv": lambda w: {"pk": w.other_organisation.pk},
    "institutions:statement": lambda w: {"pk": w.other_organisation.pk},
    "institutions:statement-export": lambda w: {"pk": w.other_organisation.pk, "fmt": "csv"},
    "institutions:members": lambda w: {"pk": w.other_organisation.pk},
    "institutions:declaration": lambda w: {"pk": w.other_organisation.pk},
    "docking:demand": lambda w: {"pk": w.other_demand.pk},
    "docking:award": lambda w: {"pk": w.other_demand.pk},
    "docking:demand-edit": lambda w: {"pk": w.other_demand.pk},
    "institutions:bureau": lambda w: {"bureau": w.other_bureau.pk},
    "institutions:bureau-export": lambda w: {"bureau": w.other_bureau.pk, "fmt": "csv"},
    "sellers:export": lambda w: {"partner_pk": w.other_partner.pk, "file_format": "csv"},
    "sellers:import-template": lambda w: {"partner_pk": w.other_partner.pk, "file_format": "csv"},
    "sellers:ship": lambda w: {"number": w.other_order.number},
    "sellers:county-application": lambda w: {"pk": w.other_application.pk},
    "sellers:application-licence": lambda w: {"pk": w.other_application.pk},
    "sellers:certificate-scan": lambda w: {"pk": w.other_certificate.pk},
    "dashboard:catalogue-product": lambda w: {"pk": w.other_product.pk},
    "dashboard:catalogue-product-delete": lambda w: {"pk": w.other_product.pk},
    "dashboard:catalogue-product-create-child": lambda w: {"parent_pk": w.other_product.pk},
}


def foreign_kwargs(route: Route, w) -> dict | None:
    return FOREIGN[route.name](w) if route.name in FOREIGN else None


FOREIGN_RULES = {
    "wishlists:detail": lambda: everyone(DENY),
    "sellers:application-licence": lambda: only("staff"),
    "sellers:certificate-scan": lambda: only("staff"),
    "sellers:county-application": lambda: only(),  # staff review elsewhere; officers only their county
}


def foreign_rule_for(route: Route):
    """Staff may see any organisation's, seller's or customer's pages where the route lets staff in."""
    if route.name in FOREIGN_RULES:
        return FOREIGN_RULES[route.name]()
    own = rule_for(route)
    return {role: (own[role] if role == "staff" else DENY) for role in ROLES}


def url_for(route: Route, arguments) -> str:
    if route.name:
        try:
            if isinstance(arguments, tuple):
                return reverse(route.name, args=arguments)
            return reverse(route.name, kwargs={key: arguments[key] for key in route.params})
        except NoReverseMatch:
            pass
    return "/" + route.path.replace("^", "").replace("$", "")


def requests_for(w):
    """(label, route, url, expectation) for every pattern, plus the foreign-object variants."""
    for route in walk():
        expectation = rule_for(route)
        if expectation is None:
            continue
        yield route.name or route.path, route, url_for(route, kwargs_for(route, w)), expectation
        foreign = foreign_kwargs(route, w)
        if foreign is not None:
            yield f"{route.name} [other's]", route, url_for(route, foreign), foreign_rule_for(route)


# Server errors found by this walk in code we do not own and cannot sensibly change; listed so that the
# walk still guards everything else. Anything else that answers 500 is a bug to fix in the app.
KNOWN_SERVER_ERRORS = {
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


def test_every_other_owner_variant_names_a_url_of_the_site():
    names = {route.name for route in walk()}

    assert set(FOREIGN) <= names
    assert set(FOREIGN_RULES) <= set(FOREIGN)


def test_the_url_conf_walk_finds_the_whole_site():
    routes = list(walk())
    names = {route.name for route in routes}

    assert len(routes) > 500
    assert {"home", "checkout:preview", "dashboard:index", "wagtailadmin_home", "admin:index"} <= names


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for all roles, built once per module and rolled back afterwards."""
    from django.test import override_settings

    media = str(tmp_path_factory.mktemp("matrix-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        w = world_module.build()
        w.objects["media_root"] = media
        yield w
        transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_url_allows_and_refuses_as_its_rule_says(client, role, settings, world):
    settings.AXES_ENABLED = False
    settings.MEDIA_ROOT = world.media_root  # where the world's scans and documents are
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    wrong, seen = [], []
    for label, route, url, expectation in requests_for(world):
        try:
            result = outcome(client.get(url))
        except Exception as error:  # a crash is a finding, like a 500
            result = f"CRASH {type(error).__name__}: {error}"[:160]
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # a logout URL was walked: carry on as the same role
        seen.append((label, url, result))
        known = KNOWN_SERVER_ERRORS.get((route.name, role)) or KNOWN_SERVER_ERRORS.get((route.name, "*"))
        if known and known in result:
            continue
        if result not in expectation[role]:
            wrong.append(f"{label} {url}: got {result}, expected one of {sorted(expectation[role])}")
    if os.environ.get("PERMISSION_MATRIX_REPORT"):
        with open(os.environ["PERMISSION_MATRIX_REPORT"] + f".{role}", "w") as report:
            report.writelines(f"{name}\t{url}\t{result}\n" for name, url, result in seen)

    assert wrong == [], f"{len(wrong)} URL(s) answer {role} against their rule:\n" + "\n".join(wrong)
