"""Two organisation orders placed at the same moment both count (PostgreSQL: real concurrent transactions)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import OrganisationOrder, Purpose
from shop.order import statuses
from tests import factories
from tests.institutions.factories import VALID_CODE, MembershipFactory, OrganisationFactory
from tests.institutions.test_checkout import start_checkout

Order = get_model("order", "Order")
Country = get_model("address", "Country")


def _place_two_at_once(*, same_product: bool):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent transactions")
    Country.objects.get_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "printable_name": "中国",
            "name": "People's Republic of China",
            "is_shipping_country": True,
        },
    )
    organisation = OrganisationFactory()
    partner = factories.PartnerFactory()
    first = factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90"), num_in_stock=10)
    second = (
        first
        if same_product
        else factories.ProductFactory(
            partner=partner, certified=True, price=Decimal("39.90"), num_in_stock=10
        )
    )
    clients = []
    for name, product in (("buyer-a", first), ("buyer-b", second)):
        user = factories.UserFactory(username=name)
        MembershipFactory(organisation=organisation, user=user)
        client = Client()
        client.force_login(user)
        start_checkout(client, [(product, 2)])
        response = client.post(
            reverse("institutions:checkout-tagging"),
            {
                "buy_for": str(organisation.pk),
                "purpose": Purpose.CANTEEN,
                "fapiao_type": "ordinary",
                "fapiao_title": organisation.name,
                "taxpayer_id": VALID_CODE,
            },
        )
        assert response.status_code == 302
        clients.append(client)
    barrier = threading.Barrier(2)
    codes = []

    def place(client):
        try:
            barrier.wait(timeout=10)
            codes.append(client.post(reverse("checkout:preview"), {"action": "place_order"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    return organisation, codes, (first, second)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_organisation_orders_placed_concurrently_both_count():
    organisation, codes, products = _place_two_at_once(same_product=False)

    assert codes == [302, 302]
    assert OrganisationOrder.objects.filter(organisation=organisation).count() == 2
    Order.objects.update(status=statuses.PAID)
    assert quotas.counted_value(organisation, year=dates.current_year()) == Decimal("159.60")
    assert [product.stockrecords.get().num_allocated for product in products] == [2, 2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_organisation_orders_of_the_same_product_placed_concurrently_both_succeed():
    organisation, codes, (product, _same) = _place_two_at_once(same_product=True)

    assert OrganisationOrder.objects.filter(organisation=organisation).count() == 2
    Order.objects.update(status=statuses.PAID)
    assert quotas.counted_value(organisation, year=dates.current_year()) == Decimal("159.60")
    assert product.stockrecords.get().num_allocated == 4
    assert codes == [302, 302]
