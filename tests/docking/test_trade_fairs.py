"""Trade-fair pages and purchase intents: recorded with exhibitors only, totals by county, and how much
turned into orders (the buyer's orders from the exhibitor since signing, capped at the intent)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import Page

from cms.models import TradeFairExhibitor, TradeFairPage
from shop.core.dates import today
from shop.core.exceptions import InvalidInput
from shop.docking import intents
from shop.docking.models import Intent
from shop.order import statuses
from tests.institutions.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(docking):
    home = Page.objects.filter(depth=2).first() or Page.get_first_root_node()
    page = home.add_child(
        instance=TradeFairPage(
            title="赣南产销对接会",
            slug="fair",
            date=today() - datetime.timedelta(days=2),
            place="赣州",
            organiser="商务局",
        )
    )
    for partner, _user in docking.sellers:
        TradeFairExhibitor.objects.create(page=page, seller=partner)
    return page


def record(docking, fair, index, amount, **fields):
    values = {
        "buyer": docking.buyer,
        "partner": docking.sellers[index][0],
        "product": "脐橙",
        "quantity": 100,
        "unit": "box",
        "amount": Decimal(amount),
        "signed_on": fair.date,
    }
    values.update(fields)
    return intents.record(fair, **values)


def test_intents_total_by_county_and_count_what_turned_into_orders(docking, fair):
    record(docking, fair, 0, "1000.00")
    record(docking, fair, 1, "500.00")
    # The buyer later ordered ¥39.90 × 10 from the first exhibitor; a cancelled order does not count.
    place_order(docking.buyer, [(docking.products[0], 10)], status=statuses.PAID)
    place_order(docking.buyer, [(docking.products[1], 5)], status=statuses.CANCELLED)

    by_county = {row["county"]: row for row in intents.totals_by_county(fair.intents.all())}
    totals = intents.totals(fair.intents.all())

    assert by_county["安远县"]["intended"] == Decimal("1000.00")
    assert by_county["安远县"]["ordered"] == Decimal("500.00")  # 10 × ¥50.00
    assert by_county["于都县"]["ordered"] == Decimal("0.00")
    assert totals == {"intended": Decimal("1500.00"), "ordered": Decimal("500.00")}


def test_what_turned_into_orders_is_capped_at_the_intent(docking, fair):
    record(docking, fair, 0, "100.00")
    place_order(docking.buyer, [(docking.products[0], 10)], status=statuses.PAID)

    assert intents.totals(fair.intents.all())["ordered"] == Decimal("100.00")


@pytest.mark.parametrize(
    "fields",
    [{"amount": Decimal("0")}, {"signed_on": today() + datetime.timedelta(days=1)}, {"quantity": 0}],
    ids=["zero-amount", "signed-in-the-future", "zero-quantity"],
)
def test_bad_intents_are_refused(docking, fair, fields):
    with pytest.raises(InvalidInput):
        record(docking, fair, 0, fields.pop("amount", "100.00"), **fields)
    assert not Intent.objects.exists()


def test_an_intent_only_with_an_exhibitor(docking, fair):
    with pytest.raises(InvalidInput):
        intents.record(
            fair,
            buyer=docking.buyer,
            partner=docking.rice_partner,
            product="大米",
            quantity=1,
            unit="bag",
            amount=Decimal("10"),
            signed_on=fair.date,
        )


def test_the_event_page_shows_exhibitors_and_intent_totals(client, docking, fair):
    record(docking, fair, 0, "1234.00")

    html = client.get(fair.url).content.decode()

    assert "脐橙合作社0" in html and "脐橙合作社1" in html
    assert "1234.00" in html and "安远县" in html
    assert reverse("docking:intent-create", kwargs={"page_id": fair.pk}) in html


def test_a_buyer_records_an_intent_on_the_page(client, docking, fair):
    client.force_login(docking.buyer)
    url = reverse("docking:intent-create", kwargs={"page_id": fair.pk})
    data = {
        "partner": docking.sellers[1][0].pk,
        "product": "脐橙礼盒",
        "quantity": "20",
        "unit": "box",
        "amount": "800.00",
        "signed_on": fair.date.isoformat(),
    }

    refused = client.post(url, {**data, "partner": docking.rice_partner.pk})
    done = client.post(url, data)

    assert refused.status_code == 200 and not Intent.objects.filter(partner=docking.rice_partner).exists()
    assert done.status_code == 302
    assert Intent.objects.get().partner == docking.sellers[1][0]


def test_the_staff_impact_dashboard_shows_intents_by_county(client, docking, fair, staff_user):
    staff_user.is_staff = True
    staff_user.save()
    record(docking, fair, 1, "4321.00")
    client.force_login(staff_user)

    html = client.get(reverse("institutions-dashboard:impact")).content.decode()

    assert "4321.00" in html and "于都县" in html


def test_another_users_organisation_cannot_be_named_on_an_intent(docking, fair):
    from shop.core.exceptions import NotPermitted
    from tests.institutions.factories import OrganisationFactory

    with pytest.raises(NotPermitted):
        record(docking, fair, 0, "10.00", organisation=OrganisationFactory(name="别家"))
