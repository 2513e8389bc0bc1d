"""The report and the staff overview run a constant number of queries, however many lines are counted."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, TargetFactory, place_order

pytestmark = pytest.mark.django_db


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def add_orders(buyer, organisations, products, count):
    for index in range(count):
        organisation = organisations[index % len(organisations)]
        place_order(
            buyer,
            [(products[index % len(products)], 1), (products[(index + 1) % len(products)], 2)],
            organisation=organisation,
        )


def test_report_and_overview_queries_do_not_grow_with_lines(client, partner, staff_user, other_county):
    top = OrganisationFactory(name="省厅", paired=[other_county])
    units = [OrganisationFactory(name=f"单位{index}", parent=top) for index in range(3)]
    for organisation in (top, *units):
        TargetFactory(organisation=organisation, fixed_amount=Decimal("5000.00"))
    buyer = factories.UserFactory(username="bulkbuyer")
    for organisation in (top, *units):
        MembershipFactory(organisation=organisation, user=buyer)
    products = [
        factories.ProductFactory(
            partner=partner,
            certified=True,
            price=Decimal("10.00"),
            num_in_stock=10_000,
            origin_county=other_county if index % 2 else None,
        )
        for index in range(4)
    ]
    client.force_login(staff_user)
    report = reverse("institutions:report", kwargs={"pk": top.pk})
    overview = reverse("institutions-dashboard:overview")

    add_orders(buyer, [top, *units], products, 4)
    client.get(report)  # the first request of a session also creates the session and basket
    small = (
        queries(client, report),
        queries(client, overview),
        queries(client, overview, {"format": "xlsx"}),
    )
    add_orders(buyer, [top, *units], products, 24)
    large = (
        queries(client, report),
        queries(client, overview),
        queries(client, overview, {"format": "xlsx"}),
    )

    assert small == large


def test_order_acceptance_and_bank_refund_pages_do_not_grow_with_lines(client, partner, buyer, organisation):
    from django.contrib.auth.models import Permission

    products = [factories.ProductFactory(partner=partner, certified=True) for _ in range(8)]
    small = place_order(buyer, [(products[0], 1)], organisation=organisation)
    large = place_order(buyer, [(product, 2) for product in products], organisation=organisation)
    staff = factories.UserFactory(username="refunds", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )

    def pages(order):
        return [
            reverse("institutions:order", kwargs={"pk": organisation.pk, "number": order.number}),
            reverse("institutions:order-acceptance", kwargs={"pk": organisation.pk, "number": order.number}),
        ]

    client.force_login(buyer)
    for few, many in zip(pages(small), pages(large), strict=True):
        queries(client, few)  # warm caches
        assert queries(client, many) == queries(client, few), many
    client.force_login(staff)
    few, many = (reverse("dashboard:order-bank-refund", kwargs={"number": o.number}) for o in (small, large))
    queries(client, few)
    assert queries(client, many) == queries(client, few)
