"""The product form explains its fields to a county seller, without Oscar's retail jargon."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_product_form_speaks_to_a_county_seller(client, seller_user, own_product):
    client.force_login(seller_user)

    page = client.get(reverse("dashboard:catalogue-product", kwargs={"pk": own_product.pk})).content.decode()

    assert page.count("69 开头的 13 位数字") == 1
    assert "您自己的货号" in page and "商品的种植或生产所在县" in page
    for jargon in ("Universal Product Code", "ISBN", "README", "UPC"):
        assert jargon not in page
