import datetime

import pytest
from django.urls import reverse

from shop.core import dates
from shop.sellers.models import HelpSellFlag
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def flag(product, *, days=10):
    return HelpSellFlag.objects.create(
        product=product,
        quantity=500,
        reason=HelpSellFlag.Reason.HARVEST_GLUT,
        until=dates.today() + datetime.timedelta(days=days),
    )


def test_buyer_sees_certified_surplus_products_as_help_your_quota_suggestions(
    client, buyer, organisation, partner
):
    surplus = ProductFactory(partner=partner, title="滞销脐橙 20斤", certified=True)
    flag(surplus)
    uncertified_surplus = ProductFactory(partner=partner, title="滞销土豆 未认定")
    flag(uncertified_surplus)
    ProductFactory(partner=partner, title="正常销售蜂蜜", certified=True)
    expired_flag = ProductFactory(partner=partner, title="已过期助销茶叶", certified=True)
    flag(expired_flag, days=-1)
    client.force_login(buyer)

    html = client.get(reverse("institutions:detail", kwargs={"pk": organisation.pk})).content.decode()

    suggestions = html[html.index("help-your-quota") :]
    assert "滞销脐橙 20斤" in suggestions
    assert "滞销土豆 未认定" not in suggestions  # would not count toward the quota
    assert "正常销售蜂蜜" not in suggestions
    assert "已过期助销茶叶" not in suggestions


def test_no_suggestion_section_without_surplus_products(client, buyer, organisation, partner):
    ProductFactory(partner=partner, certified=True)
    client.force_login(buyer)

    html = client.get(reverse("institutions:detail", kwargs={"pk": organisation.pk})).content.decode()

    assert "help-your-quota" not in html
