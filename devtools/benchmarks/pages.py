"""The pages `make bench` measures, each a scenario driving django.test.Client through the real URLs.

A scenario's `setup` returns the state it needs (or raises Unavailable when the page does not
exist in this build, e.g. before the institutions app lands); `step` performs one measured
request (or, for checkout, the sequence of requests up to the placed order).
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from oscar.core.loading import get_model

from devtools.loadgen import marks

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Basket = get_model("basket", "Basket")
Organisation = get_model("institutions", "Organisation")
User = get_user_model()


class Unavailable(Exception):
    """The page is not part of this build (yet)."""


class StepFailed(Exception):
    pass


@dataclass
class Scenario:
    name: str
    anonymous: bool
    setup: Callable  # (client) -> state
    step: Callable  # (client, state) -> None; raises StepFailed on a wrong response
    storefront: bool = False  # measured for anonymous and for each signed-in visitor (VISITORS)


def first_url(*candidates, **kwargs):
    for name in candidates:
        try:
            return reverse(name, **kwargs)
        except NoReverseMatch:
            continue
    raise Unavailable(f"none of {', '.join(candidates)} is defined")


def _get(client, url, *, expect=(200,), **extra):
    response = client.get(url, **extra)
    if response.status_code not in expect:
        raise StepFailed(f"GET {url} → {response.status_code}")
    return response


def _post(client, url, data, *, expect=(200, 302)):
    response = client.post(url, data)
    if response.status_code not in expect:
        raise StepFailed(f"POST {url} → {response.status_code}")
    return response


def _login(client, email):
    user = User.objects.filter(email=email).first()
    if user is None:
        raise Unavailable(f"no user {email} (run generate_load_data)")
    client.force_login(user)
    return user


def sample_products(n=30):
    """A fixed, spread-out sample of public products with stock, for pages that take a product."""
    ids = list(
        Product.objects.browsable()
        .filter(upc__startswith=marks.UPC_PREFIX, stockrecords__num_in_stock__gt=50)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        raise Unavailable("no generated products")
    stride = max(1, len(ids) // n)
    return Product.objects.filter(id__in=ids[::stride][:n]).order_by("id")


def _cycle_urls(urls):
    urls = list(urls)
    return {"urls": itertools.cycle(urls), "count": len(urls)}


# -- anonymous pages ------------------------------------------------------------------------------


def home_setup(client):
    return _cycle_urls(["/"])


def category_setup(client):
    category = (
        Category.objects.filter(depth=1, code__startswith=marks.CATEGORY_CODE_PREFIX).order_by("path").first()
    )
    if category is None:
        raise Unavailable("no generated categories")
    return _cycle_urls([category.get_absolute_url()])


def filtered_catalogue_setup(client):
    top = Product.objects.browsable().values("origin_province").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        raise Unavailable("no products")
    base = first_url("catalogue:index")
    return _cycle_urls([f"{base}?province={top['origin_province']}&certified=1"])


def product_setup(client):
    return _cycle_urls(product.get_absolute_url() for product in sample_products())


def search_setup(client):
    base = first_url("search:search")
    return _cycle_urls(f"{base}?q={word}" for word in ("脐橙", "大米", "蜂蜜", "茶"))


def autocomplete_setup(client):
    base = first_url("search:autocomplete", "search-autocomplete", "autocomplete")
    return _cycle_urls(f"{base}?q={word}" for word in ("脐", "大", "蜂", "cha"))


def get_step(client, state):
    _get(client, next(state["urls"]))


# -- signed-in visitors of the storefront pages ---------------------------------------------------

# Who measures the storefront pages besides an anonymous visitor: a consumer, an institutional
# buyer and a county seller, each signed in with one product in the basket (no page cache for them).
VISITORS = {
    "shopper": f"consumer3{marks.USER_DOMAIN}",
    "buyer": f"org1-buyer{marks.USER_DOMAIN}",
    "seller": f"seller1{marks.USER_DOMAIN}",
}


def sign_in(client, visitor: str):
    """Sign `client` in as the visitor's generated user, with one product in an otherwise empty basket."""
    user = _login(client, VISITORS[visitor])
    Basket.objects.filter(owner=user).delete()
    product = sample_products(1).first()
    _post(client, reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    # The "added to your basket" message is shown once, on the next page, as a shopper's would be; left
    # waiting, it would make the first measured page render around the shared copy instead of using it.
    _get(client, reverse("basket:summary"))
    return user


def basket_setup(client):
    if not client.session.get("_auth_user_id"):
        raise Unavailable("the basket page is measured for signed-in visitors")
    return _cycle_urls([reverse("basket:summary")])


# -- signed-in pages -------------------------------------------------------------------------------


def basket_add_setup(client):
    user = _login(client, f"consumer1{marks.USER_DOMAIN}")
    Basket.objects.filter(owner=user).delete()  # start each run from an empty basket
    products = list(sample_products())
    return {
        "urls": itertools.cycle([reverse("basket:add", kwargs={"pk": p.pk}) for p in products]),
        "count": len(products),
    }


def basket_add_step(client, state):
    _post(client, next(state["urls"]), {"quantity": 1})


def checkout_setup(client):
    user = _login(client, f"consumer2{marks.USER_DOMAIN}")
    Basket.objects.filter(owner=user).delete()
    products = list(sample_products())
    return {
        "add": itertools.cycle([reverse("basket:add", kwargs={"pk": p.pk}) for p in products]),
        "count": 1,
    }


def checkout_step(client, state):
    """Shipping address → shipping method → payment method → preview → place order."""
    _post(client, next(state["add"]), {"quantity": 1})
    _post(
        client,
        reverse("checkout:shipping-address"),
        {
            "first_name": "王芳",
            "last_name": "",
            "line1": "人民路1号",
            "line4": "赣州市",
            "postcode": "341000",
            "country": "CN",
            "phone_number": "+8613800138000",
        },
        expect=(302,),
    )
    _get(client, reverse("checkout:shipping-method"), expect=(200, 302))
    _post(client, reverse("checkout:payment-method"), {"method": "cash_on_delivery"}, expect=(302,))
    _get(client, reverse("checkout:preview"))
    response = _post(client, reverse("checkout:preview"), {"action": "place_order"}, expect=(302,))
    if "thank-you" not in response.url:
        raise StepFailed(f"order not placed: redirected to {response.url}")


def _organisation_admin(client):
    user = _login(client, f"org1-admin{marks.USER_DOMAIN}")
    organisation = Organisation.objects.filter(memberships__user=user).first()
    if organisation is None:
        raise Unavailable("no generated organisation")
    return organisation


def quota_report_setup(client):
    organisation = _organisation_admin(client)
    return _cycle_urls([first_url("institutions:report", kwargs={"pk": organisation.pk})])


def quota_overview_setup(client):
    url = first_url("institutions-dashboard:overview")
    _login(client, f"staff{marks.USER_DOMAIN}")
    return _cycle_urls([url])


def seller_products_setup(client):
    url = first_url("sellers:stock", "dashboard:catalogue-product-list")
    _login(client, f"seller1{marks.USER_DOMAIN}")
    return _cycle_urls([url])


SCENARIOS = [
    Scenario("home", True, home_setup, get_step, storefront=True),
    Scenario("category", True, category_setup, get_step, storefront=True),
    Scenario("catalogue_filtered", True, filtered_catalogue_setup, get_step, storefront=True),
    Scenario("product_detail", True, product_setup, get_step, storefront=True),
    Scenario("search", True, search_setup, get_step, storefront=True),
    Scenario("basket", False, basket_setup, get_step, storefront=True),
    Scenario("autocomplete", True, autocomplete_setup, get_step),
    Scenario("basket_add", False, basket_add_setup, basket_add_step),
    Scenario("checkout", False, checkout_setup, checkout_step),
    Scenario("quota_report", False, quota_report_setup, get_step),
    Scenario("quota_overview", False, quota_overview_setup, get_step),
    Scenario("seller_products", False, seller_products_setup, get_step),
]
