"""Signed-in visitors share one stored copy of each catalogue page, with their own parts filled in:
nobody is ever shown another person's basket, menu, review or stock-alert state, messages, or token;
staff pages (which may show unpublished things) are never shown to anyone else; Oscar's product-page
side effects (history cookie, view count) still happen on a shared hit."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from shop.caching import analytics
from shop.sellers import onboarding
from tests import clients, factories

ProductAlert = get_model("customer", "ProductAlert")
Review = get_model("reviews", "ProductReview")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

sign_in = clients.signed_in


def pending_review(product, user, **text):
    """A review the user wrote, awaiting moderation (it still counts as theirs: no second invitation)."""
    return Review.objects.create(product=product, user=user, status=Review.FOR_MODERATION, **text)


def badges(page: str) -> set[str]:
    return set(re.findall(r'class="cart-badge"[^>]*>(\d+)<', page))


@pytest.fixture
def people(partner):
    seller = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, seller)
    return {
        "seller": seller,
        "shopper": factories.UserFactory(username="shopper", email="shopper@example.cn"),
        "staff": factories.UserFactory(username="staff", email="staff@example.cn", is_staff=True),
    }


def test_each_signed_in_visitor_gets_the_shared_page_with_their_own_basket_and_menu(
    people, partner, certified_product
):
    category = factories.CategoryFactory(name="水果")
    product = factories.ProductFactory(
        partner=partner, title="赣南脐橙礼盒", certified=True, categories=[category]
    )
    seller, shopper = sign_in(people["seller"]), sign_in(people["shopper"])
    seller.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 3})
    seller.get(reverse("basket:summary"))  # the "added" message is shown once
    seller_centre = f'href="{reverse("sellers:seller-home")}"'
    pages = [
        reverse("catalogue:index"),
        category.get_absolute_url(),
        product.get_absolute_url(),
        f"{reverse('search:search')}?q=脐橙",
    ]

    for url in pages:
        first = seller.get(url)
        second = shopper.get(url)
        third = seller.get(url)

        assert (first["X-Page-Cache"], second["X-Page-Cache"], third["X-Page-Cache"]) == (
            "shared-miss",
            "shared-hit",
            "shared-hit",
        ), url
        for response, count, centre in ((first, {"3"}, True), (second, set(), False), (third, {"3"}, True)):
            page = response.content.decode()
            assert "<!--personal:" not in page
            assert badges(page) == count, url
            assert (seller_centre in page) is centre, url
            assert 'id="logout_link"' in page


def test_a_shared_hit_carries_the_visitors_own_working_csrf_token(people, certified_product):
    url = certified_product.get_absolute_url()
    sign_in(people["seller"]).get(url)
    shopper = sign_in(people["shopper"], enforce_csrf_checks=True)

    page = shopper.get(url)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = shopper.post(
        reverse("basket:add", kwargs={"pk": certified_product.pk}),
        {"quantity": 1, "csrfmiddlewaretoken": token},
    )

    assert page["X-Page-Cache"] == "shared-hit"
    assert response.status_code == 302  # not 403


def test_staff_pages_are_never_shown_to_other_visitors(people, partner):
    draft = factories.ProductFactory(partner=partner, title="未上架的新米", is_public=False)
    public = factories.ProductFactory(partner=partner, title="五常大米", certified=True)
    staff, shopper = sign_in(people["staff"]), sign_in(people["shopper"])
    edit = reverse("dashboard:catalogue-product", kwargs={"pk": public.pk})

    assert staff.get(draft.get_absolute_url()).status_code == 200  # staff preview unpublished products
    assert edit in staff.get(public.get_absolute_url()).content.decode()

    assert shopper.get(draft.get_absolute_url()).status_code == 404
    response = shopper.get(public.get_absolute_url())
    assert response["X-Page-Cache"] == "shared-miss"  # not the staff copy
    assert edit not in response.content.decode()


def test_a_message_to_show_is_never_lost_to_a_shared_page(people, certified_product):
    url = reverse("catalogue:index")
    sign_in(people["seller"]).get(url)
    shopper = sign_in(people["shopper"])

    shopper.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})
    response = shopper.get(url)

    assert "X-Page-Cache" not in response
    assert "added to your cart" in response.content.decode()
    assert shopper.get(url)["X-Page-Cache"] == "shared-hit"  # shown once, then shared again


def test_a_shared_product_page_updates_the_history_and_counts_the_view(people, partner):
    orange = factories.ProductFactory(partner=partner, title="赣南脐橙礼盒", certified=True)
    rice = factories.ProductFactory(partner=partner, title="五常大米", certified=True)
    seller = sign_in(people["seller"])
    seller.get(orange.get_absolute_url())
    seller.get(rice.get_absolute_url())
    analytics.flush()
    shopper = sign_in(people["shopper"])

    assert shopper.get(orange.get_absolute_url())["X-Page-Cache"] == "shared-hit"
    page = shopper.get(rice.get_absolute_url())

    assert page["X-Page-Cache"] == "shared-hit"
    strip = page.content.decode().split('class="recently-viewed"')[1]
    assert "赣南脐橙礼盒" in strip and "五常大米" not in strip  # the other product, not the page's own
    assert analytics.flush() == 2
    assert get_model("analytics", "UserRecord").objects.get(user=people["shopper"]).num_product_views == 2


def test_the_review_invitation_is_each_visitors_own(people, certified_product):
    pending_review(certified_product, people["shopper"], title="好", body="甜", score=5)
    url = certified_product.get_absolute_url()
    add_review = reverse(
        "catalogue:reviews-add",
        kwargs={"product_slug": certified_product.slug, "product_pk": certified_product.pk},
    )

    seller_page = sign_in(people["seller"]).get(url)
    shopper_page = sign_in(people["shopper"]).get(url)  # reviewed already (awaiting moderation)

    assert shopper_page["X-Page-Cache"] == "shared-hit"
    assert add_review in seller_page.content.decode()
    assert add_review not in shopper_page.content.decode()

    pending_review(certified_product, people["seller"], title="不错", body="很甜", score=4)
    # Oscar re-rates the product (a catalogue change): the page is stored again, with the marker filled
    # from the seller's reviewed products, which the review forgot.
    seller_again = sign_in(people["seller"]).get(url)
    assert add_review not in seller_again.content.decode()  # one review per visitor, at once


def test_the_stock_alert_is_each_visitors_own(people, partner):
    sold_out = factories.ProductFactory(partner=partner, title="秦岭土蜂蜜", num_in_stock=0, certified=True)
    ProductAlert.objects.create(product=sold_out, user=people["shopper"], status=ProductAlert.ACTIVE)
    url = sold_out.get_absolute_url()

    seller_page = sign_in(people["seller"]).get(url).content.decode()
    shopper = sign_in(people["shopper"]).get(url)

    assert shopper["X-Page-Cache"] == "shared-hit"
    assert 'id="alert_form"' in seller_page
    assert "You have an active stock alert" in shopper.content.decode()
    assert 'id="alert_form"' not in shopper.content.decode()


def test_a_shared_hit_costs_the_same_few_queries_on_every_page(people, partner):
    products = [factories.ProductFactory(partner=partner, certified=True) for _ in range(3)]
    urls = [reverse("catalogue:index"), *[p.get_absolute_url() for p in products]]
    seller, shopper = sign_in(people["seller"]), sign_in(people["shopper"])
    for url in urls + urls:  # the second round: the shopper's own parts and history titles are cached
        seller.get(url)
        shopper.get(url)

    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert shopper.get(url)["X-Page-Cache"] == "shared-hit"
        counts.append(len(queries))

    # The user only: the session, workspaces, counts, recently viewed links and the products the visitor
    # has reviewed (Oscar's review check) come from the cache.
    assert counts == [1, 1, 1, 1], counts


def test_the_cached_account_menu_follows_new_memberships_and_county_officers(
    people, county, certified_product
):
    from tests.institutions.factories import MembershipFactory, OrganisationFactory

    shopper = sign_in(people["shopper"])
    url = certified_product.get_absolute_url()
    organisation_link = f'href="{reverse("institutions:list")}"'
    county_link = f'href="{reverse("sellers:county-applications")}"'
    page = shopper.get(url).content.decode()
    assert organisation_link not in page and county_link not in page
    assert shopper.get(url)["X-Page-Cache"] == "shared-hit"  # the menu is cached for this user now

    MembershipFactory(
        organisation=OrganisationFactory(name="赣州市财政局"), user=people["shopper"], is_buyer=True
    )
    assert organisation_link in shopper.get(url).content.decode()

    get_model("sellers", "CountyOfficer").objects.create(user=people["shopper"], county=county)
    assert county_link in shopper.get(url).content.decode()


def test_a_seller_link_shows_in_the_cached_menu_on_the_next_page(people, partner, certified_product):
    shopper = sign_in(people["shopper"])
    url = certified_product.get_absolute_url()
    seller_centre = f'href="{reverse("sellers:seller-home")}"'
    assert seller_centre not in shopper.get(url).content.decode()
    assert seller_centre not in shopper.get(url).content.decode()  # from the cached menu

    onboarding.link_user(partner, people["shopper"])  # links the user and grants the seller permission
    assert seller_centre in shopper.get(url).content.decode()

    partner.users.remove(people["shopper"])
    assert seller_centre not in shopper.get(url).content.decode()


def test_a_shared_hit_reads_the_visitors_versions_and_counts_in_one_round_trip(
    people, certified_product, monkeypatch
):
    """The cart badge, the account menu (unread count, workspaces) and the review invitation each used to
    ask the cache for their versions; now one get_many before the first part answers them all."""
    from django.core.cache import cache

    shopper = sign_in(people["shopper"])
    url = certified_product.get_absolute_url()
    shopper.get(url)  # stored
    asked, depth = [], [0]

    def recorded(real, as_keys):
        def call(arg, *args, **kwargs):
            if depth[0] == 0:  # the local-memory cache's get_many calls its own get: one round trip
                asked.append(as_keys(arg))
            depth[0] += 1
            try:
                return real(arg, *args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    monkeypatch.setattr(cache, "get", recorded(cache.get, lambda key: [key]))
    monkeypatch.setattr(cache, "get_many", recorded(cache.get_many, list))

    page = shopper.get(url)

    assert page["X-Page-Cache"] == "shared-hit"
    user_id = people["shopper"].pk
    personal_keys = {
        "offers-version",
        f"basket-version:u{user_id}",
        f"unread-notifications:{user_id}",
        "permissions-version",
        f"roles-version:{user_id}",
        f"reviews-version:{user_id}",
    }
    reads = [keys for keys in asked if personal_keys & set(keys)]
    assert len(reads) == 1 and personal_keys <= set(reads[0])
