"""Every personal part of the shared catalogue pages, one renderer each (see holes.py).

A renderer takes the request, the marker's arguments and, when the page is rendered for one visitor,
the page's context; it decides nothing itself but calls the rule's home: the cart count and unread
count and the cached workspaces (`shop/account_menu.py`) in `shop/caching/personal.py`, Oscar's review and
stock-alert checks, the history strip in `shop/customer/recently_viewed.py`.
"""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from oscar.core.loading import get_class, get_model

from shop.caching import holes, personal
from shop.customer import recently_viewed

Product = get_model("catalogue", "Product")


@holes.renderer("cart_badge")
def cart_badge(request, where, *, context=None) -> str:
    """The number of items in the visitor's basket, on the header's cart ("header") or the tab bar's."""
    return render_to_string(
        "oscar/partials/cart_badge.html", {"count": personal.cart_items(request), "where": where}
    )


@holes.renderer("account_menu")
def account_menu_links(request, *, context=None) -> str:
    """The header menu's account links: the visitor's workspaces and unread messages, or log in."""
    user = request.user
    signed_in = user.is_authenticated
    return render_to_string(
        "oscar/partials/account_menu.html",
        {
            "user": user,
            "num_unread_notifications": personal.unread_notifications(user) if signed_in else 0,
            "workspaces": personal.workspaces(user) if signed_in else [],
        },
    )


def _page_product(context, product_pk: str):
    """The page's product when rendering for one visitor (its answers are already loaded), else a
    reference by id: Oscar's checks below only read the product's id."""
    product = context.get("product") if context is not None else None
    if product is not None and str(product.pk) == product_pk:
        return product
    return Product(pk=int(product_pk))


@holes.renderer("review_invite")
def review_invite(request, product_pk, add_review_url, *, context=None) -> str:
    """ "Be the first to write a review", for a visitor Oscar lets review the product."""
    product = _page_product(context, product_pk)
    user = request.user
    if user.is_authenticated and product.pk is not None and "_reviewed_by" not in product.__dict__:
        # Oscar's has_review_by, answered from the user's cached reviewed products (catalogue_ext's
        # Product keeps the answer per user in `_reviewed_by`).
        product.__dict__["_reviewed_by"] = {user.pk: product.pk in personal.reviewed_products(user)}
    return render_to_string(
        "oscar/catalogue/partials/review_invite.html",
        {"permitted": product.is_review_permitted(request.user), "add_review_url": add_review_url},
    )


@holes.renderer("stock_alert")
def stock_alert(request, product_pk, *, context=None) -> str:
    """A sold-out product's stock alert: the visitor's active alert, or Oscar's form to ask for one."""
    if context is not None and "alert_form" in context and str(context["product"].pk) == product_pk:
        has_alert, form = context["has_active_alert"], context["alert_form"]
    else:
        view = get_class("catalogue.views", "ProductDetailView")()
        view.request, view.object = request, _page_product(None, product_pk)
        has_alert, form = view.get_alert_status(), view.get_alert_form()
    return render_to_string(
        "oscar/catalogue/partials/stock_alert.html",
        {
            "has_active_alert": has_alert,
            "alert_form": form,
            "product_pk": product_pk,
            "csrf_token": get_token(request),
        },
    )


@holes.renderer("recently_viewed")
def recently_viewed_strip(request, exclude="", *, context=None) -> str:
    """The signed-in customer's recently viewed products, without the page's own (`exclude`)."""
    products = recently_viewed.products(request, exclude=int(exclude) if exclude else None)
    return render_to_string("oscar/customer/history/recently_viewed_strip.html", {"products": products})
