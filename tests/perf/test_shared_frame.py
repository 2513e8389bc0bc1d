"""The page frame's header and footer, rendered once and shared by every visitor of pages that are not
shared as a whole (the basket, account, checkout and organisation pages), with each visitor's own cart
badge, account menu and CSRF token filled in (`{% shared %}`, shop/caching/templatetags/personal_tags.py)."""

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

from shop.sellers import onboarding
from tests import clients, factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def badges(page: str) -> set[str]:
    return set(re.findall(r'class="cart-badge"[^>]*>(\d+)<', page))


def shared_frames() -> list[str]:
    """The keys of the frame fragments this process holds (the header's and the footer's)."""
    local = caches["versioned"].local
    return [key for key in local._cache if "shared.site_" in key]


@pytest.fixture
def seller_and_shopper(partner):
    seller = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, seller)
    shopper = factories.UserFactory(username="shopper", email="shopper@example.cn")
    return clients.signed_in(seller), clients.signed_in(shopper)


def test_the_basket_page_frame_is_shared_with_each_visitors_own_badge_and_menu(
    seller_and_shopper, certified_product
):
    seller, shopper = seller_and_shopper
    seller.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 3})
    seller.get(reverse("basket:summary"))  # the "added" message is shown once
    centre = f'href="{reverse("sellers:seller-home")}"'
    url = reverse("basket:summary")

    pages = [
        seller.get(url).content.decode(),
        shopper.get(url).content.decode(),
        seller.get(url).content.decode(),
    ]

    assert len(shared_frames()) == 2  # one header (this URL) and one footer, for all three pages
    for page, count, has_centre in zip(pages, ({"3"}, set(), {"3"}), (True, False, True), strict=True):
        assert "<!--personal:" not in page and "@@csrf-token@@" not in page
        assert badges(page) == count
        assert (centre in page) is has_centre
        assert "site-footer mt-5" in page


def test_the_language_switch_in_a_shared_header_carries_the_visitors_own_token(seller_and_shopper, partner):
    seller, _ = seller_and_shopper
    seller.get(reverse("basket:summary"))  # the header is stored by another visitor
    shopper = clients.signed_in(factories.UserFactory(username="other"), enforce_csrf_checks=True)

    page = shopper.get(reverse("basket:summary")).content.decode()
    form = page.split('id="language_selector"')[1]
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = shopper.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302  # not 403
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_the_header_is_kept_per_address_and_changes_with_the_catalogue(seller_and_shopper, partner):
    seller, shopper = seller_and_shopper
    basket, account = reverse("basket:summary"), reverse("customer:profile-view")
    seller.get(basket)
    page = shopper.get(account).content.decode()
    assert f'name="next" type="hidden" value="{account}"' in page  # the switch returns to this page

    factories.CategoryFactory(name="新上架的菌菇")  # a new top-level category joins the menu at once
    assert "新上架的菌菇" in shopper.get(basket).content.decode()
    assert "新上架的菌菇" in seller.get(account).content.decode()


def test_without_the_page_cache_the_frame_renders_in_place(settings, seller_and_shopper):
    settings.AIDMARKET_PAGE_CACHE_SECONDS = 0
    _, shopper = seller_and_shopper
    page = shopper.get(reverse("basket:summary")).content.decode()
    assert 'class="site-header"' in page and 'id="logout_link"' in page
    assert shared_frames() == []
