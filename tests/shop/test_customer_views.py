"""Oscar's customer views forked in shop/customer: URLs that answered 500 now answer as they should."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests import factories
from tests.sellers.conftest import place_order

WishList = get_model("wishlists", "WishList")
Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(consumer, certified_product):
    return place_order(consumer, [certified_product])


def test_getting_an_order_line_shows_its_order_instead_of_a_server_error(client, consumer, order):
    client.force_login(consumer)

    response = client.get(reverse("customer:order-line", args=[order.number, order.lines.get().pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("customer:order", args=[order.number])


def test_an_unknown_line_or_someone_elses_order_line_is_a_404(client, consumer, order):
    stranger = factories.UserFactory(username="stranger")
    line = order.lines.get()

    client.force_login(consumer)
    unknown = client.get(reverse("customer:order-line", args=[order.number, line.pk + 1000]))
    client.force_login(stranger)
    foreign = client.get(reverse("customer:order-line", args=[order.number, line.pk]))

    assert (unknown.status_code, foreign.status_code) == (404, 404)


def test_re_ordering_a_line_by_post_still_fills_the_basket(client, consumer, order, certified_product):
    client.force_login(consumer)

    response = client.post(
        reverse("customer:order-line", args=[order.number, order.lines.get().pk]), {"action": "reorder"}
    )

    assert response.status_code == 302
    assert Basket.objects.filter(owner=consumer, lines__product=certified_product).exists()


def test_creating_a_wish_list_with_an_unknown_product_goes_back_to_the_form(
    client, consumer, certified_product
):
    client.force_login(consumer)

    unknown = client.get(
        reverse("customer:wishlists-create-with-product", args=[certified_product.pk + 1000])
    )
    known = client.get(reverse("customer:wishlists-create-with-product", args=[certified_product.pk]))

    assert unknown.status_code == 302
    assert unknown["Location"] == reverse("customer:wishlists-create")
    assert known.status_code == 200


def test_moving_a_wish_list_line_whose_product_was_deleted_is_a_404(client, consumer, certified_product):
    wishlist = WishList.objects.create(owner=consumer, name="年货")
    target = WishList.objects.create(owner=consumer, name="送礼")
    wishlist.add(certified_product)
    line = wishlist.lines.get()
    certified_product.delete()
    client.force_login(consumer)

    response = client.get(
        reverse("customer:wishlists-move-product-to-another", args=[wishlist.key, line.pk, target.key])
    )

    assert response.status_code == 404
