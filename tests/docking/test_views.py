"""The docking pages through their URLs: the public board, the buyer's comparison and award, the seller's
quotes, the officer's push, the reports, trade-fair intents; who is refused; query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.core.dates import today
from shop.docking import awards, demands, quotes
from shop.docking.models import Award, Quote, Status
from shop.order import statuses
from shop.sellers.models import CountyOfficer
from tests import factories
from tests.docking.conftest import make_quote
from tests.institutions.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

Line = get_model("order", "Line")


def opened(docking, **fields):
    demand = docking.demand(**fields)
    demands.open_for_quotes(demand, by=docking.buyer)
    return demand


def submit_quote(client, demand, **fields):
    data = {
        "unit_price": "36.50",
        "quantity": "60",
        "unit": demand.unit,
        "lead_time_days": "4",
        "valid_until": (today() + datetime.timedelta(days=15)).isoformat(),
        "note": "",
    }
    data.update(fields)
    return client.post(reverse("docking:quote", kwargs={"pk": demand.pk}), data)


# --- public board ---------------------------------------------------------------------------------------


def test_the_public_board_lists_open_demands_without_the_buyers_contact_details(client, docking):
    demand = opened(docking)
    docking.demand(title="还在草稿的需求")

    board = client.get(reverse("docking:board"))
    detail = client.get(reverse("docking:board-detail", kwargs={"pk": demand.pk}))

    for page in (board, detail):
        html = page.content.decode()
        assert page.status_code == 200
        assert demand.title in html
        for private in (
            demand.contact_name,
            demand.contact_phone,
            demand.delivery_address,
            docking.organisation.name,
        ):
            assert private not in html
    assert "还在草稿的需求" not in board.content.decode()
    assert reverse("sellers:apply") in board.content.decode()
    assert reverse("docking:demand-create") not in board.content.decode()  # posting is for signed-in buyers


def test_the_board_filters_by_category_subtree_and_delivery_province(client, docking):
    oranges = opened(docking, title="脐橙需求", category=docking.citrus)
    rice = opened(docking, title="大米需求", category=docking.grain, counts_toward_quota=False)
    elsewhere = factories.ProvinceFactory(code="440000", name="广东省")
    opened(docking, title="广东需求", region=elsewhere)

    by_fruit = client.get(reverse("docking:board"), {"category": docking.fruit.pk}).content.decode()
    by_province = client.get(reverse("docking:board"), {"region": docking.province.code}).content.decode()

    assert oranges.title in by_fruit and rice.title not in by_fruit
    assert "广东需求" not in by_province and rice.title in by_province


def test_closed_demands_are_not_on_the_public_board(client, docking):
    demand = opened(docking)
    demands.cancel(demand, by=docking.buyer)

    assert client.get(reverse("docking:board-detail", kwargs={"pk": demand.pk})).status_code == 404


# --- buyers ---------------------------------------------------------------------------------------------


def test_a_buyer_posts_a_draft_and_bad_input_is_shown_with_what_was_typed(client, docking):
    client.force_login(docking.buyer)
    data = {
        "organisation": docking.organisation.pk,
        "title": "单位食堂大米",
        "category": docking.grain.pk,
        "quantity": "500",
        "unit": "kg",
        "price_min": "8.00",
        "price_max": "6.00",
        "delivery_from": (today() + datetime.timedelta(days=7)).isoformat(),
        "delivery_until": (today() + datetime.timedelta(days=20)).isoformat(),
        "delivery_region": docking.province.code,
        "quote_deadline": (today() + datetime.timedelta(days=5)).isoformat(),
        "certified_required": "on",
        "counts_toward_quota": "on",
        "purpose": "canteen",
        "delivery_address": "南昌市某路1号",
        "contact_name": "刘",
        "contact_phone": "13907910000",
    }

    refused = client.post(reverse("docking:demand-create"), data)
    data["price_max"] = "9.00"
    saved = client.post(reverse("docking:demand-create"), data)

    assert refused.status_code == 200
    assert "单位食堂大米" in refused.content.decode()
    assert "highest target price" in refused.content.decode() or "最高" in refused.content.decode()
    demand = docking.organisation.demands.get()
    assert saved.url == reverse("docking:demand", kwargs={"pk": demand.pk})
    assert reverse("docking:demand-create") in client.get(reverse("docking:board")).content.decode()
    assert (demand.status, demand.posted_by, demand.quantity) == (Status.DRAFT, docking.buyer, 500)


def test_a_buyer_opens_compares_and_awards_through_the_pages(client, docking):
    demand = opened(docking)
    cheap = make_quote(
        demand, docking.sellers[0][0], docking.products[0], user=docking.sellers[0][1], unit_price="35"
    )
    dear = make_quote(
        demand, docking.sellers[1][0], docking.products[1], user=docking.sellers[1][1], unit_price="39"
    )
    demand.status = Status.QUOTING
    demand.save()
    client.force_login(docking.buyer)

    page = client.get(reverse("docking:demand", kwargs={"pk": demand.pk})).content.decode()
    too_much = client.post(
        reverse("docking:award", kwargs={"pk": demand.pk}),
        {f"award_{cheap.pk}": "60", f"award_{dear.pk}": "50"},
    )
    done = client.post(
        reverse("docking:award", kwargs={"pk": demand.pk}),
        {f"award_{cheap.pk}": "60", f"award_{dear.pk}": "20"},
    )

    assert page.index("脐橙合作社0") < page.index("脐橙合作社1")  # cheapest first
    assert "¥35.00" in page and "¥39.00" in page
    assert too_much.status_code == 400
    assert 'value="50"' in too_much.content.decode()  # what the buyer typed is kept
    assert done.status_code == 302
    assert sorted(Award.objects.values_list("quantity", flat=True)) == [20, 60]
    demand.refresh_from_db()
    assert demand.status == Status.PARTLY_AWARDED


def test_a_buyer_of_another_organisation_sees_nothing_of_the_demand(client, docking):
    demand = opened(docking)
    other = factories.UserFactory(username="other-buyer")
    MembershipFactory(organisation=OrganisationFactory(name="别家单位"), user=other)
    client.force_login(other)

    assert client.get(reverse("docking:demand", kwargs={"pk": demand.pk})).status_code == 404
    assert (
        client.post(
            reverse("docking:demand-action", kwargs={"pk": demand.pk, "action": "cancel"})
        ).status_code
        == 404
    )
    assert client.post(reverse("docking:award", kwargs={"pk": demand.pk}), {}).status_code == 404
    assert demand.title not in client.get(reverse("docking:my-demands")).content.decode()


def test_an_administrator_of_the_organisation_sees_its_demand_but_cannot_award(client, docking):
    demand = opened(docking)
    admin = factories.UserFactory(username="orgadmin")
    MembershipFactory(organisation=docking.organisation, user=admin, is_buyer=False, is_administrator=True)
    client.force_login(admin)

    assert client.get(reverse("docking:demand", kwargs={"pk": demand.pk})).status_code == 200
    assert client.post(reverse("docking:award", kwargs={"pk": demand.pk}), {}).status_code == 403


# --- sellers --------------------------------------------------------------------------------------------


def test_a_seller_sees_the_demands_it_was_told_of_and_only_its_own_quotes(client, docking):
    demand = opened(docking)
    rival = make_quote(
        demand, docking.sellers[1][0], docking.products[1], user=docking.sellers[1][1], unit_price="33.33"
    )
    partner, user = docking.sellers[0]
    client.force_login(user)

    listing = client.get(reverse("docking:seller-demands")).content.decode()
    sent = submit_quote(client, demand, product=docking.products[0].pk)
    form = client.get(reverse("docking:quote", kwargs={"pk": demand.pk})).content.decode()

    assert demand.title in listing
    assert sent.status_code == 302
    assert Quote.objects.get(partner=partner).unit_price == Decimal("36.50")
    assert "36.50" in form and str(rival.unit_price) not in form
    assert str(rival.unit_price) not in client.get(reverse("docking:seller-demands")).content.decode()


def test_a_seller_offers_alternatives_on_the_quote_page_but_not_another_sellers_product(client, docking):
    demand = opened(docking)
    partner, user = docking.sellers[0]
    loose = factories.ProductFactory(
        partner=partner,
        certified=True,
        origin_county=partner.county,
        categories=[docking.citrus],
        title="散装脐橙",
    )
    client.force_login(user)

    refused = submit_quote(
        client, demand, product=docking.products[0].pk, alternatives=[loose.pk, docking.products[1].pk]
    )
    refused_nothing_saved = not Quote.objects.exists()
    sent = submit_quote(client, demand, product=docking.products[0].pk, alternatives=[loose.pk])
    form = client.get(reverse("docking:quote", kwargs={"pk": demand.pk})).content.decode()
    listing = client.get(reverse("docking:seller-demands")).content.decode()

    assert refused.status_code == 200 and "alternatives" in refused.context["form"].errors
    assert refused_nothing_saved
    assert sent.status_code == 302
    assert Quote.objects.get(partner=partner).offered_product_ids() == [docking.products[0].pk, loose.pk]
    assert f'value="{loose.pk}"' in form and "checked" in form
    assert "散装脐橙" in listing


def award_history(docking, partner, user, product, *, on_time=0, late=0, overdue=0, due_later=0, cancelled=0):
    """Past awards to the seller on another demand, one unit each, shipped or not as asked."""
    total = on_time + late + overdue + due_later + cancelled
    history = docking.demand(title="往期采购", quantity=total, status=Status.QUOTING)
    quote = make_quote(history, partner, product, user=user, quantity=total)
    made = [awards.award(history, [awards.Part(quote, 1)], by=docking.buyer)[0] for _ in range(total)]
    now, day = timezone.now(), datetime.timedelta(days=1)
    for kind, count in (("on_time", on_time), ("late", late), ("overdue", overdue), ("cancelled", cancelled)):
        for award in [made.pop() for _ in range(count)]:
            lines = Line.objects.filter(order=award.order)
            if kind == "on_time":
                lines.update(status=statuses.LINE_SHIPPED, shipped_at=now)
            elif kind == "late":
                Award.objects.filter(pk=award.pk).update(ship_by=today() - 5 * day)
                lines.update(status=statuses.LINE_DELIVERED, shipped_at=now - 2 * day)
            elif kind == "overdue":
                Award.objects.filter(pk=award.pk).update(ship_by=today() - day)
            else:
                type(award.order).objects.filter(pk=award.order.pk).update(status=statuses.CANCELLED)
                lines.update(status=statuses.LINE_CANCELLED)
    return history


def test_the_comparison_shows_each_sellers_fulfilment_record(client, docking):
    partner, user = docking.sellers[0]
    award_history(
        docking, partner, user, docking.products[0], on_time=2, late=1, overdue=1, due_later=1, cancelled=1
    )
    demand = opened(docking)
    make_quote(demand, partner, docking.products[0], user=user)
    make_quote(demand, docking.sellers[1][0], docking.products[1], user=docking.sellers[1][1])
    client.force_login(docking.buyer)

    response = client.get(reverse("docking:demand", kwargs={"pk": demand.pk}))

    records = {
        quote.partner: (
            quote.lines_sold,
            quote.lines_shipped,
            quote.awards_due,
            quote.awards_fulfilled,
            quote.awards_on_time,
        )
        for quote in response.context["quotes"]
    }
    # 6 awards: the cancelled one does not count; the one not yet due is no record yet.
    assert records == {partner: (5, 3, 4, 3, 2), docking.sellers[1][0]: (0, 0, 0, 0, 0)}
    html = response.content.decode()
    assert "对接授标：4 笔到期，已履约 3 笔，按时 2 笔" in html
    assert "5 个订单行中已发货 3 个" in html


def test_the_comparison_shows_each_offered_product_certified_or_not_and_awards_a_split(client, docking):
    demand = opened(docking, certified_required=False, counts_toward_quota=False)
    partner, user = docking.sellers[0]
    plain = factories.ProductFactory(
        partner=partner,
        certified=False,
        origin_county=partner.county,
        categories=[docking.citrus],
        title="普通脐橙",
    )
    quote = quotes.submit(
        demand, partner=partner, by=user, product=docking.products[0], alternatives=[plain],
        unit_price=Decimal("30.00"), quantity=50, unit=demand.unit, lead_time_days=2,
        valid_until=today() + datetime.timedelta(days=9),
    )  # fmt: skip
    client.force_login(docking.buyer)
    url = reverse("docking:demand", kwargs={"pk": demand.pk})

    page = client.get(url)
    refused = client.post(
        reverse("docking:award", kwargs={"pk": demand.pk}),
        {f"award_{quote.pk}": "40", f"award_{quote.pk}_{plain.pk}": "20"},
    )
    done = client.post(
        reverse("docking:award", kwargs={"pk": demand.pk}),
        {f"award_{quote.pk}": "30", f"award_{quote.pk}_{plain.pk}": "20"},
    )

    (shown,) = page.context["quotes"]
    offers = [(offer["product"], offer["is_certified"]) for offer in shown.offers]
    assert offers == [(docking.products[0], True), (plain, False)]
    html = page.content.decode()
    assert html.count('docking-offer"') == 2 and "已认定" in html and "未认定" in html
    assert refused.status_code == 400  # 60 is more than the 50 offered
    assert 'value="20"' in refused.content.decode()
    assert done.status_code == 302
    award = Award.objects.get()
    assert award.quantity == 50
    assert {line.product: line.quantity for line in award.order.lines.all()} == {
        docking.products[0]: 30,
        plain: 20,
    }


def test_a_quote_in_the_wrong_unit_is_refused_on_the_page_and_the_input_kept(client, docking):
    demand = opened(docking)
    client.force_login(docking.sellers[0][1])

    response = submit_quote(client, demand, product=docking.products[0].pk, unit="kg", unit_price="31.25")

    assert response.status_code == 200
    assert "31.25" in response.content.decode()
    assert not Quote.objects.exists()


def test_a_seller_cannot_withdraw_another_sellers_quote(client, docking):
    demand = opened(docking)
    rival = make_quote(demand, docking.sellers[1][0], docking.products[1], user=docking.sellers[1][1])
    client.force_login(docking.sellers[0][1])

    response = client.post(reverse("docking:quote-withdraw", kwargs={"pk": rival.pk}))

    assert response.status_code == 404
    rival.refresh_from_db()
    assert rival.withdrawn_at is None


def test_consumers_are_refused_the_seller_pages(client, docking, consumer):
    demand = opened(docking)
    client.force_login(consumer)

    assert client.get(reverse("docking:seller-demands")).status_code == 403
    assert client.get(reverse("docking:quote", kwargs={"pk": demand.pk})).status_code == 403


def test_a_sellers_surplus_that_fits_a_demand_is_pointed_out_to_it(client, docking):
    from shop.sellers.models import HelpSellFlag

    demand = opened(docking)
    HelpSellFlag.objects.create(
        product=docking.products[0],
        quantity=200,
        reason="harvest_glut",
        until=today() + datetime.timedelta(days=9),
    )
    client.force_login(docking.sellers[0][1])
    seller_page = client.get(reverse("docking:seller-demands")).content.decode()
    client.force_login(docking.buyer)
    buyer_page = client.get(reverse("docking:demand", kwargs={"pk": demand.pk})).content.decode()

    assert "docking-surplus-fits" in seller_page
    assert "docking-surplus" in buyer_page and docking.products[0].get_title() in buyer_page


# --- county officers and reports ------------------------------------------------------------------------


def test_an_officer_pushes_a_demand_to_a_county_seller_but_not_to_another_countys(client, docking):
    officer = factories.UserFactory(username="officer")
    CountyOfficer.objects.create(user=officer, county=docking.county)
    demand = opened(docking, category=docking.grain, counts_toward_quota=False)
    client.force_login(officer)

    listing = client.get(reverse("docking:county-demands")).content.decode()
    client.post(
        reverse("docking:county-push", kwargs={"pk": demand.pk}), {"partner": docking.sellers[0][0].pk}
    )
    client.post(
        reverse("docking:county-push", kwargs={"pk": demand.pk}), {"partner": docking.sellers[1][0].pk}
    )

    assert demand.title in listing
    assert set(demand.notices.values_list("partner__name", flat=True)) == {"大米合作社", "脐橙合作社0"}


def test_the_report_shows_docked_volume_and_an_officer_only_its_county(client, docking, staff_user):
    from shop.docking import awards

    demand = opened(docking)
    first = quotes.submit(
        demand, partner=docking.sellers[0][0], by=docking.sellers[0][1], product=docking.products[0],
        unit_price=Decimal("30.00"), quantity=50, unit="box", lead_time_days=2,
        valid_until=today() + datetime.timedelta(days=9),
    )  # fmt: skip
    second = quotes.submit(
        demand, partner=docking.sellers[1][0], by=docking.sellers[1][1], product=docking.products[1],
        unit_price=Decimal("40.00"), quantity=50, unit="box", lead_time_days=2,
        valid_until=today() + datetime.timedelta(days=9),
    )  # fmt: skip
    awards.award(demand, [awards.Part(first, 50), awards.Part(second, 10)], by=docking.buyer)
    officer = factories.UserFactory(username="officer")
    CountyOfficer.objects.create(user=officer, county=docking.county)

    client.force_login(staff_user)
    staff_user.is_staff = True
    staff_user.save()
    staff_page = client.get(reverse("docking:report")).content.decode()
    export = client.get(reverse("docking:report-export", kwargs={"fmt": "csv"})).content.decode("utf-8-sig")
    client.force_login(officer)
    officer_page = client.get(reverse("docking:report")).content.decode()
    client.force_login(docking.buyer)

    assert "1900.00" in staff_page  # 50 × 30 + 10 × 40
    assert "安远县" in export and "于都县" in export and "1500.00" in export
    assert "1500.00" in officer_page and "于都县" not in officer_page
    assert client.get(reverse("docking:report")).status_code == 403


# --- query counts ---------------------------------------------------------------------------------------


def count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_board_comparison_and_seller_list_make_the_same_queries_for_more_demands_and_quotes(client, docking):
    """More demands, quotes offering more products, and sellers with award records: the same queries."""
    extra_sellers = []
    for index in range(4):
        partner = factories.PartnerFactory(county=docking.county, name=f"加测合作社{index}")
        user = factories.UserFactory(username=f"extra{index}")
        from shop.sellers import onboarding

        onboarding.link_user(partner, user)
        product = factories.ProductFactory(partner=partner, certified=True, categories=[docking.citrus])
        alternatives = [
            factories.ProductFactory(partner=partner, certified=certified, categories=[docking.citrus])
            for certified in (True, False)
        ]
        extra_sellers.append((partner, user, product, alternatives))
    seller_user = docking.sellers[0][1]
    own_alternative = factories.ProductFactory(
        partner=docking.sellers[0][0], certified=True, categories=[docking.citrus]
    )

    def measure(demand_count, quote_sellers):
        for _ in range(demand_count):
            demand = opened(docking, origin_region=docking.county)  # shown with its city and province
            for partner, user, product, alternatives in quote_sellers:
                make_quote(demand, partner, product, user=user).alternatives.set(alternatives)
        target = type(demand).objects.filter(status=Status.OPEN).first()
        client.force_login(docking.buyer)
        comparison = count(client, reverse("docking:demand", kwargs={"pk": target.pk}))
        client.force_login(seller_user)
        seller_list = count(client, reverse("docking:seller-demands"))
        client.logout()
        board = count(client, reverse("docking:board"))
        return board, comparison, seller_list

    small = measure(
        1, [(*docking.sellers[0], docking.products[0], []), (*docking.sellers[1], docking.products[1], [])]
    )
    for partner, user, product, _alternatives in extra_sellers:
        award_history(docking, partner, user, product, on_time=1, late=1, overdue=1)
    large = measure(
        6,
        [
            (*docking.sellers[0], docking.products[0], [own_alternative]),
            (*docking.sellers[1], docking.products[1], []),
            *extra_sellers,
        ],
    )

    assert large == small
