"""Signed-in pages share their cached parts but never one person's basket, permissions or
notifications; every change shows on the next page; product views reach Oscar's analytics."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.caching import analytics
from tests import clients, factories

Notification = get_model("communication", "Notification")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

sign_in = clients.signed_in


def add_to_basket(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


@pytest.fixture
def two_shoppers(partner):
    orange = factories.ProductFactory(
        partner=partner, title="赣南脐橙礼盒", price=Decimal("11.11"), certified=True
    )
    rice = factories.ProductFactory(partner=partner, title="五常大米", price=Decimal("22.22"), certified=True)
    alice = factories.UserFactory(username="alice", email="alice@example.cn")
    bob = factories.UserFactory(username="bob", email="bob@example.cn")
    alice_client, bob_client = sign_in(alice), sign_in(bob)
    add_to_basket(alice_client, orange, quantity=3)  # 33.33
    add_to_basket(bob_client, rice, quantity=2)  # 44.44
    return {"orange": orange, "rice": rice, "alice": alice_client, "bob": bob_client}


def test_two_signed_in_shoppers_interleaved_each_see_only_their_own_basket(two_shoppers):
    pages = [
        reverse("catalogue:index"),
        two_shoppers["orange"].get_absolute_url(),
        two_shoppers["rice"].get_absolute_url(),
        f"{reverse('search:search')}?q=大米",
    ]
    for url in pages:
        for me, mine in (("alice", "3"), ("bob", "2"), ("alice", "3")):
            page = two_shoppers[me].get(url).content.decode()
            # The header's cart badge (cached per basket owner) shows this shopper's own count.
            assert set(re.findall(r'class="cart-badge"[^>]*>(\d+)<', page)) == {mine}, (me, url)


def test_the_header_basket_changes_on_the_next_page_after_adding_a_product(two_shoppers):
    alice = two_shoppers["alice"]
    url = reverse("catalogue:index")
    assert "33.33" in alice.get(url).content.decode()

    add_to_basket(alice, two_shoppers["rice"])  # 33.33 + 22.22

    page = alice.get(url).content.decode()
    assert "55.55" in page
    assert "33.33" not in page


def test_a_price_change_shows_at_once_to_signed_in_shoppers(two_shoppers):
    alice, orange = two_shoppers["alice"], two_shoppers["orange"]
    listing = reverse("catalogue:index")
    assert "11.11" in alice.get(listing).content.decode()
    alice.get(orange.get_absolute_url())

    record = orange.stockrecords.get()
    record.price = Decimal("12.34")
    record.save()

    assert "12.34" in alice.get(listing).content.decode()
    assert "12.34" in alice.get(orange.get_absolute_url()).content.decode()
    assert "11.11" not in alice.get(listing).content.decode()


def test_a_new_product_appears_in_cached_listings_and_search_at_once(two_shoppers, partner):
    alice = two_shoppers["alice"]
    search = f"{reverse('search:search')}?q=蜂蜜"
    assert "土蜂蜜" not in alice.get(search).content.decode()
    alice.get(reverse("catalogue:index"))

    honey = factories.ProductFactory(
        partner=partner, title="秦岭土蜂蜜", certified=True
    )  # not ours(): receivers

    # Search results highlight the query's words inside the title, so the card is found by its link.
    assert f'href="{honey.get_absolute_url()}"' in alice.get(search).content.decode()
    assert "秦岭土蜂蜜" in alice.get(reverse("catalogue:index")).content.decode()


def test_the_account_menu_follows_each_users_own_permissions(partner, certified_product):
    """The seller centre entry needs the seller permission (read from the cached permission sets) and the
    dashboard entry (审核) the staff flag; both follow a change on the next page."""
    from shop.sellers import onboarding

    seller = factories.UserFactory(username="seller", email="seller@example.cn")
    shopper = factories.UserFactory(username="shopper", email="shopper@example.cn")
    onboarding.link_user(partner, seller)  # grants the seller permission
    onboarding.link_user(partner, shopper)
    shopper.user_permissions.clear()  # linked to the partner's rows, but without the permission
    staff = factories.UserFactory(username="staff", email="staff@example.cn", is_staff=True)
    seller_client, shopper_client, staff_client = sign_in(seller), sign_in(shopper), sign_in(staff)
    seller_centre = f'href="{reverse("sellers:seller-home")}"'
    dashboard = f'href="{reverse("dashboard:index")}"'
    url = certified_product.get_absolute_url()

    for _ in range(2):  # the second round is answered from the cached permission sets
        seller_page = seller_client.get(url).content.decode()
        shopper_page = shopper_client.get(url).content.decode()
        staff_page = staff_client.get(url).content.decode()
        assert seller_centre in seller_page and dashboard not in seller_page
        assert seller_centre not in shopper_page and dashboard not in shopper_page
        assert dashboard in staff_page and seller_centre not in staff_page

    seller.user_permissions.clear()
    shopper.user_permissions.add(Permission.objects.get(codename="dashboard_access"))

    assert seller_centre not in seller_client.get(url).content.decode()
    assert seller_centre in shopper_client.get(url).content.decode()


def test_unread_notification_count_is_each_users_own_and_follows_new_messages(two_shoppers, consumer):
    alice = two_shoppers["alice"]
    alice_user = get_model("basket", "Basket").objects.get(lines__product=two_shoppers["orange"]).owner
    inbox, url = reverse("customer:notifications-inbox"), reverse("catalogue:index")
    assert inbox not in alice.get(url).content.decode()

    Notification.objects.create(recipient=alice_user, subject="您的订单已发货")
    Notification.objects.create(recipient=alice_user, subject="您的发票已开具")

    page = alice.get(url).content.decode()
    assert inbox in page and "Messages (2 unread)" in page
    assert inbox not in two_shoppers["bob"].get(url).content.decode()
    alice_user.notifications.update(date_read=timezone.now())  # a bulk write: no signal
    Notification.objects.filter(recipient=alice_user).first().save()

    assert inbox not in alice.get(url).content.decode()


def test_product_views_are_counted_off_the_request_and_written_in_one_batch(certified_product, consumer):
    client = sign_in(consumer)
    url = certified_product.get_absolute_url()

    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q for q in queries.captured_queries if "analytics_" in q["sql"]]
    Client().get(url)  # an anonymous view counts for the product only

    assert analytics.flush() == 4

    assert ProductRecord.objects.get(product=certified_product).num_views == 4
    assert UserRecord.objects.get(user=consumer).num_product_views == 3
    assert UserProductView.objects.filter(user=consumer, product=certified_product).count() == 3
    assert analytics.flush() == 0  # nothing is written twice

    client.get(url)
    assert analytics.flush() == 1
    assert ProductRecord.objects.get(product=certified_product).num_views == 5


def test_review_count_and_own_review_are_read_with_the_product(certified_product, consumer):
    Review = get_model("reviews", "ProductReview")
    client = sign_in(consumer)
    url = certified_product.get_absolute_url()
    kwargs = {"product_slug": certified_product.slug, "product_pk": certified_product.pk}
    add_review = reverse("catalogue:reviews-add", kwargs=kwargs)
    assert add_review in client.get(url).content.decode()  # "Write a review"

    Review.objects.create(
        product=certified_product, user=consumer, title="好", body="很甜", score=5, status=Review.APPROVED
    )

    page = " ".join(client.get(url).content.decode().split())
    assert add_review not in page  # one review per user
    assert "1 customer review" in page
    Review.objects.create(
        product=certified_product,
        user=factories.UserFactory(username="other"),
        title="好",
        body="甜",
        score=4,
    )
    Review.objects.create(  # awaiting moderation: not counted
        product=certified_product,
        user=factories.UserFactory(username="pending"),
        title="差",
        body="坏了",
        score=1,
        status=Review.FOR_MODERATION,
    )
    page = " ".join(client.get(url).content.decode().split())
    assert "2 customer reviews" in page


def test_a_voucher_added_to_the_basket_discounts_it_at_once_and_the_header_keeps_its_count(
    certified_product, consumer
):
    """The header shows the cart's item count (cached per basket version), the basket page its total."""
    from oscar.test.factories import create_voucher

    create_voucher(code="AID20")  # 20 % off everything
    client = sign_in(consumer)
    add_to_basket(client, certified_product, quantity=2)  # 79.80
    basket_url = reverse("basket:summary")
    badge = re.compile(r'class="cart-badge"[^>]*>(\d+)<')
    assert set(badge.findall(client.get(reverse("catalogue:index")).content.decode())) == {"2"}
    assert "63.84" not in client.get(basket_url).content.decode()

    response = client.post(reverse("basket:vouchers-add"), {"code": "AID20"})

    assert response.status_code == 302
    assert "63.84" in client.get(basket_url).content.decode()
    assert set(badge.findall(client.get(reverse("catalogue:index")).content.decode())) == {"2"}
    add_to_basket(client, certified_product)
    assert set(badge.findall(client.get(reverse("catalogue:index")).content.decode())) == {"3"}
