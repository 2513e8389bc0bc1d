"""Demands, matching and notices, quotes, awards as real orders, fulfilment and expiry: the domain rules."""

import datetime
from decimal import Decimal

import pytest

from shop.core.dates import today
from shop.core.exceptions import InvalidInput, InvalidState, LimitExceeded, NotPermitted
from shop.core.models import OutgoingMail
from shop.docking import awards, demands, quotes
from shop.docking.awards import Part
from shop.docking.models import Award, DemandNotice, Quote, Status
from shop.institutions import payments, quotas
from shop.order import statuses
from shop.sellers.models import CountyOfficer, HelpSellFlag
from tests import factories
from tests.institutions.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def seller_mails(demand):
    return OutgoingMail.objects.filter(key__startswith=f"docking:demand:{demand.pk}:seller:")


def quote_on(docking, demand, index, **fields):
    partner, user = docking.sellers[index]
    values = {
        "partner": partner,
        "by": user,
        "product": docking.products[index],
        "unit_price": Decimal("38.00"),
        "quantity": 60,
        "unit": demand.unit,
        "lead_time_days": 3,
        "valid_until": today() + datetime.timedelta(days=20),
    }
    values.update(fields)
    return quotes.submit(demand, **values)


# --- opening and matching -------------------------------------------------------------------------------


def test_opening_a_demand_tells_each_matching_seller_once_and_no_other(docking):
    demand = docking.demand()

    told = demands.open_for_quotes(demand, by=docking.buyer)

    demand.refresh_from_db()
    assert demand.status == Status.OPEN
    assert told == 2
    recipients = sorted(address for mail in seller_mails(demand) for address in mail.recipients)
    assert recipients == ["seller0@coop.example.cn", "seller1@coop.example.cn"]
    body = seller_mails(demand).first().body
    assert demand.title in body and f"/docking/seller/demands/{demand.pk}/quote/" in body
    assert demand.contact_phone not in body  # sellers learn who buys only when awarded
    assert set(DemandNotice.objects.filter(demand=demand).values_list("partner__name", flat=True)) == {
        "脐橙合作社0",
        "脐橙合作社1",
    }


def test_a_region_condition_narrows_the_sellers_told(docking):
    demand = docking.demand(origin_region=docking.other_county)

    demands.open_for_quotes(demand, by=docking.buyer)

    assert [mail.recipients for mail in seller_mails(demand)] == [["seller1@coop.example.cn"]]


def test_uncertified_products_do_not_match_a_demand_for_certified_products(docking):
    partner = factories.PartnerFactory(county=docking.county, name="无证果园")
    factories.ProductFactory(partner=partner, categories=[docking.citrus], title="普通橙子")
    demand = docking.demand()

    demands.open_for_quotes(demand, by=docking.buyer)

    assert not DemandNotice.objects.filter(demand=demand, partner=partner).exists()


def test_an_officer_push_tells_a_seller_once_and_only_in_the_officers_county(docking):
    officer = factories.UserFactory(username="officer")
    CountyOfficer.objects.create(user=officer, county=docking.county)
    demand = docking.demand(category=docking.grain, counts_toward_quota=False, certified_required=False)
    demands.open_for_quotes(demand, by=docking.buyer)
    assert seller_mails(demand).count() == 1  # the rice seller matched
    orange_partner = docking.sellers[0][0]

    demands.push(demand, orange_partner, by=officer)

    assert seller_mails(demand).count() == 2
    assert DemandNotice.objects.get(demand=demand, partner=orange_partner).pushed_by == officer
    with pytest.raises(InvalidState):
        demands.push(demand, orange_partner, by=officer)
    with pytest.raises(NotPermitted):
        demands.push(demand, docking.sellers[1][0], by=officer)  # another county's seller
    assert seller_mails(demand).count() == 2


def test_only_the_buyers_side_may_open_a_demand(docking):
    demand = docking.demand()
    stranger = factories.UserFactory(username="stranger")

    with pytest.raises(NotPermitted):
        demands.open_for_quotes(demand, by=stranger)
    assert seller_mails(demand).count() == 0


def test_a_draft_with_a_passed_deadline_cannot_be_opened(docking):
    demand = docking.demand(quote_deadline=today() - datetime.timedelta(days=1))

    with pytest.raises(InvalidInput):
        demands.open_for_quotes(demand, by=docking.buyer)


# --- quotes ---------------------------------------------------------------------------------------------


def test_the_first_quote_moves_the_demand_to_quoting_and_tells_the_buyer(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    quote = quote_on(docking, demand, 0)

    demand.refresh_from_db()
    assert demand.status == Status.QUOTING
    assert OutgoingMail.objects.get(key=f"docking:quote:{quote.pk}:received").recipients == [
        "buyer@unit.example.cn"
    ]


def test_a_seller_changes_its_quote_until_the_deadline(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    quote_on(docking, demand, 0)

    quote_on(docking, demand, 0, unit_price=Decimal("35.50"))

    assert list(Quote.objects.filter(demand=demand).values_list("unit_price", flat=True)) == [
        Decimal("35.50")
    ]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"unit_price": Decimal("0")}, InvalidInput),
        ({"unit_price": Decimal("-3")}, InvalidInput),
        ({"unit": "kg"}, InvalidInput),
        ({"quantity": 0}, InvalidInput),
        ({"quantity": 101}, LimitExceeded),
        ({"valid_until": today() - datetime.timedelta(days=1)}, InvalidInput),
    ],
    ids=["zero-price", "negative-price", "wrong-unit", "zero-quantity", "more-than-demanded", "expired"],
)
def test_bad_quotes_are_refused_with_a_reason(docking, fields, error):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    with pytest.raises(error) as refusal:
        quote_on(docking, demand, 0, **fields)

    assert str(refusal.value.message)
    assert not Quote.objects.exists()
    demand.refresh_from_db()
    assert demand.status == Status.OPEN


def test_a_quote_in_the_wrong_unit_names_the_demands_unit(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    with pytest.raises(InvalidInput) as refusal:
        quote_on(docking, demand, 0, unit="kg")

    assert "箱" in str(refusal.value.message)  # the demand's unit, in the shop's language


def test_quotes_after_the_deadline_are_refused(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    type(demand).objects.filter(pk=demand.pk).update(quote_deadline=today() - datetime.timedelta(days=1))
    demand.refresh_from_db()

    with pytest.raises(InvalidState):
        quote_on(docking, demand, 0)


def test_a_seller_cannot_quote_on_its_own_organisations_demand(docking):
    partner, user = docking.sellers[0]
    MembershipFactory(organisation=docking.organisation, user=user, is_buyer=False, is_administrator=True)
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    with pytest.raises(NotPermitted):
        quote_on(docking, demand, 0)


def test_a_seller_offers_only_its_own_matching_product(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    with pytest.raises(InvalidInput):
        quote_on(docking, demand, 0, product=docking.products[1])  # the other seller's
    with pytest.raises(InvalidInput):
        quote_on(docking, demand, 0, product=docking.rice)  # not in the category


def test_someone_not_working_for_the_seller_cannot_quote_for_it(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    with pytest.raises(NotPermitted):
        quote_on(docking, demand, 0, by=docking.sellers[1][1])


def test_a_quota_demand_refuses_products_that_would_not_count(docking, non_poverty_county):
    partner, user = docking.sellers[0]
    city_oranges = factories.ProductFactory(
        partner=partner, certified=True, origin_county=non_poverty_county, categories=[docking.citrus]
    )
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    with pytest.raises(InvalidInput) as refusal:
        quote_on(docking, demand, 0, product=city_oranges)

    assert "帮扶任务" in str(refusal.value.message)  # "counts toward the quota", in Chinese


def another_product(docking, index=0, **fields):
    """One more product of seller `index`, in the demand's category and county unless told otherwise."""
    partner, _user = docking.sellers[index]
    values = {
        "partner": partner,
        "certified": True,
        "origin_county": docking.sellers[index][0].county,
        "categories": [docking.citrus],
        "price": Decimal("55.00"),
        "num_in_stock": 200,
        "title": "赣南脐橙散装",
    }
    values.update(fields)
    return factories.ProductFactory(**values)


def test_a_quote_offers_the_main_product_and_alternatives_and_a_change_replaces_them(docking):
    loose = another_product(docking)
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    quote = quote_on(docking, demand, 0, alternatives=[loose, docking.products[0]])
    offered = Quote.objects.get(pk=quote.pk).offered_product_ids()
    changed = quote_on(docking, demand, 0, product=loose, alternatives=[])

    assert offered == [docking.products[0].pk, loose.pk]  # the main product once, first
    assert changed.pk == quote.pk
    assert Quote.objects.get(pk=quote.pk).offered_product_ids() == [loose.pk]


def test_alternatives_must_be_the_sellers_own_listed_products_meeting_the_demand(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    refused = {
        "another seller's": docking.products[1],
        "not in the category": docking.rice,
        "without a price (not listed)": another_product(docking, price=None),
        "not public": another_product(docking, is_public=False),
        "not certified": another_product(docking, certified=False),
    }

    for reason, product in refused.items():
        with pytest.raises(InvalidInput):
            quote_on(docking, demand, 0, alternatives=[product])
        with pytest.raises(InvalidInput):
            quote_on(docking, demand, 0, product=product)
        assert not Quote.objects.exists(), reason


def test_an_alternative_that_would_not_count_toward_the_quota_is_refused(docking, non_poverty_county):
    city_oranges = another_product(docking, origin_county=non_poverty_county)
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)

    with pytest.raises(InvalidInput) as refusal:
        quote_on(docking, demand, 0, alternatives=[city_oranges])

    assert "帮扶任务" in str(refusal.value.message)
    assert not Quote.objects.exists()


# --- awards ---------------------------------------------------------------------------------------------


def quoted_demand(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    first = quote_on(docking, demand, 0, unit_price=Decimal("36.00"), quantity=60)
    second = quote_on(docking, demand, 1, unit_price=Decimal("40.00"), quantity=80)
    return demand, first, second


def test_awarding_parts_places_one_tagged_order_per_quote_at_the_quoted_price(docking):
    demand, first, second = quoted_demand(docking)

    made = awards.award(demand, [Part(first, 60), Part(second, 30)], by=docking.buyer, po_reference="PO-7")

    demand.refresh_from_db()
    assert demand.status == Status.PARTLY_AWARDED
    assert [(a.quantity, a.unit_price) for a in made] == [(60, Decimal("36.00")), (30, Decimal("40.00"))]
    first_order, second_order = (award.order for award in made)
    assert first_order.total_incl_tax == Decimal("2160.00")
    assert second_order.total_incl_tax == Decimal("1200.00")
    line = first_order.lines.get()
    assert (line.partner, line.quantity, line.unit_price_incl_tax) == (first.partner, 60, Decimal("36.00"))
    assert line.was_certified and line.was_poverty_county
    assert first_order.status == statuses.PENDING_PAYMENT
    assert first_order.payment_method == "bank_transfer"
    link = first_order.organisation_link
    assert (link.organisation, link.po_reference, link.fapiao_title) == (
        docking.organisation,
        "PO-7",
        docking.organisation.name,
    )
    assert first_order.user == docking.buyer
    assert first.product.stockrecords.get().num_allocated == 60
    assert OutgoingMail.objects.get(key=f"docking:award:{made[0].pk}").recipients == [
        "seller0@coop.example.cn"
    ]


def test_the_buyer_splits_an_award_between_a_quotes_products_in_one_order_at_the_quoted_price(docking):
    loose = another_product(docking)
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    quote = quote_on(docking, demand, 0, unit_price=Decimal("36.00"), quantity=60, alternatives=[loose])

    (made,) = awards.award(demand, [Part(quote, 40), Part(quote, 20, loose)], by=docking.buyer)

    assert (made.quantity, made.unit_price) == (60, Decimal("36.00"))
    assert made.ship_by == today() + datetime.timedelta(days=3)  # the quote's lead time
    lines = {line.product: (line.quantity, line.unit_price_incl_tax) for line in made.order.lines.all()}
    assert lines == {docking.products[0]: (40, Decimal("36.00")), loose: (20, Decimal("36.00"))}
    assert made.order.total_incl_tax == Decimal("2160.00")
    assert loose.stockrecords.get().num_allocated == 20
    assert all(line.was_certified for line in made.order.lines.all())


def test_only_an_alternative_may_be_awarded(docking):
    loose = another_product(docking)
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    quote = quote_on(docking, demand, 0, alternatives=[loose])

    (made,) = awards.award(demand, [Part(quote, 15, loose)], by=docking.buyer)

    assert [(line.product, line.quantity) for line in made.order.lines.all()] == [(loose, 15)]


def test_awards_of_products_the_quote_did_not_offer_or_negative_splits_are_refused(docking):
    loose = another_product(docking)
    unoffered = another_product(docking, title="未报价的脐橙")
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    quote = quote_on(docking, demand, 0, quantity=60, alternatives=[loose])

    with pytest.raises(InvalidInput):
        awards.award(demand, [Part(quote, 10, unoffered)], by=docking.buyer)
    with pytest.raises(InvalidInput):
        awards.award(demand, [Part(quote, 10, docking.products[1])], by=docking.buyer)  # another seller's
    with pytest.raises(InvalidInput):
        awards.award(demand, [Part(quote, 30), Part(quote, -10, loose)], by=docking.buyer)
    with pytest.raises(LimitExceeded):
        awards.award(demand, [Part(quote, 40), Part(quote, 21, loose)], by=docking.buyer)  # 61 > 60 offered

    assert not Award.objects.exists()
    assert loose.stockrecords.get().num_allocated in (None, 0)


def test_the_rest_of_the_quantity_completes_the_award(docking):
    demand, first, second = quoted_demand(docking)
    awards.award(demand, [Part(first, 60)], by=docking.buyer)

    awards.award(demand, [Part(second, 40)], by=docking.buyer)

    demand.refresh_from_db()
    assert demand.status == Status.AWARDED
    assert awards.awarded_quantity(demand) == 100


def test_paid_award_orders_raise_the_quota_by_their_counted_lines(docking, staff_user):
    staff_user.is_staff = True
    staff_user.save()
    demand, first, second = quoted_demand(docking)
    before = quotas.counted_value(docking.organisation, year=today().year)
    made = awards.award(demand, [Part(first, 50), Part(second, 50)], by=docking.buyer)

    for award in made:
        payments.record_bank_transfer(
            award.order,
            amount=award.order.total_incl_tax,
            paid_on=today(),
            reference="BK",
            recorded_by=staff_user,
        )

    after = quotas.counted_value(docking.organisation, year=today().year)
    assert after - before == Decimal("1800.00") + Decimal("2000.00")


def test_an_award_above_the_organisations_threshold_waits_for_approval(docking):
    docking.organisation.approval_threshold = Decimal("1000.00")
    docking.organisation.save()
    demand, first, _second = quoted_demand(docking)

    (made,) = awards.award(demand, [Part(first, 40)], by=docking.buyer)

    assert made.order.status == statuses.AWAITING_APPROVAL
    assert made.order.organisation_link.approval == "pending"


def test_awards_above_the_demanded_quantity_are_refused_and_nothing_is_ordered(docking):
    demand, first, second = quoted_demand(docking)

    with pytest.raises(LimitExceeded) as refusal:
        awards.award(demand, [Part(first, 60), Part(second, 41)], by=docking.buyer)

    assert "100" in str(refusal.value.message) and "101" in str(refusal.value.message)
    assert not Award.objects.exists()
    assert docking.products[0].stockrecords.get().num_allocated in (None, 0)
    demand.refresh_from_db()
    assert demand.status == Status.QUOTING


def test_an_award_above_what_the_seller_offered_is_refused(docking):
    demand, first, _second = quoted_demand(docking)

    with pytest.raises(LimitExceeded):
        awards.award(demand, [Part(first, 61)], by=docking.buyer)


def test_an_award_above_the_sellers_stock_is_refused_with_the_stock_left(docking):
    demand, first, _second = quoted_demand(docking)
    first.product.stockrecords.update(num_in_stock=10)

    with pytest.raises(InvalidState) as refusal:
        awards.award(demand, [Part(first, 20)], by=docking.buyer)

    assert "10" in str(refusal.value.message)
    assert not Award.objects.exists()


def test_only_the_buyers_side_may_award(docking):
    demand, first, _second = quoted_demand(docking)

    with pytest.raises(NotPermitted):
        awards.award(demand, [Part(first, 10)], by=docking.sellers[0][1])


def test_a_withdrawn_quote_cannot_be_awarded(docking):
    demand, first, _second = quoted_demand(docking)
    quotes.withdraw(first, by=docking.sellers[0][1])

    with pytest.raises(InvalidState):
        awards.award(demand, [Part(first, 10)], by=docking.buyer)


def test_an_enterprise_buyers_award_is_an_untagged_order(docking):
    wholesaler = factories.UserFactory(username="wholesaler")
    demand = docking.demand(organisation=None, posted_by=wholesaler, counts_toward_quota=False)
    demands.open_for_quotes(demand, by=wholesaler)
    quote = quote_on(docking, demand, 0)

    (made,) = awards.award(demand, [Part(quote, 10)], by=wholesaler)

    assert made.order.user == wholesaler
    assert not hasattr(made.order, "organisation_link") or made.order.organisation_link is None


# --- fulfilment and expiry ------------------------------------------------------------------------------


def test_a_demand_is_fulfilled_only_once_every_award_order_has_shipped(docking):
    demand, first, second = quoted_demand(docking)
    made = awards.award(demand, [Part(first, 60), Part(second, 40)], by=docking.buyer)
    with pytest.raises(InvalidState):
        demands.fulfil(demand, by=docking.buyer)

    for award in made:
        type(award.order).objects.filter(pk=award.order.pk).update(status=statuses.SHIPPED)
    demands.fulfil(demand, by=docking.buyer)

    demand.refresh_from_db()
    assert demand.status == Status.FULFILLED


def test_lapsed_demands_expire_and_awarded_ones_do_not(docking):
    past = today() - datetime.timedelta(days=1)
    unquoted = docking.demand(status=Status.OPEN, quote_deadline=past)
    never_awarded = docking.demand(
        status=Status.QUOTING, quote_deadline=today() - datetime.timedelta(days=demands.AWARD_WINDOW_DAYS + 1)
    )
    still_deciding = docking.demand(status=Status.QUOTING, quote_deadline=past)
    awarded = docking.demand(status=Status.PARTLY_AWARDED, quote_deadline=past)

    assert demands.expire_lapsed() == 2
    assert demands.expire_lapsed() == 0

    statuses_now = {
        d.pk: type(d).objects.get(pk=d.pk).status for d in (unquoted, never_awarded, still_deciding, awarded)
    }
    assert statuses_now == {
        unquoted.pk: Status.EXPIRED,
        never_awarded.pk: Status.EXPIRED,
        still_deciding.pk: Status.QUOTING,
        awarded.pk: Status.PARTLY_AWARDED,
    }


def test_a_cancelled_demand_takes_no_more_quotes(docking):
    demand = docking.demand()
    demands.open_for_quotes(demand, by=docking.buyer)
    demands.cancel(demand, by=docking.buyer)

    with pytest.raises(InvalidState):
        quote_on(docking, demand, 0)


# --- help-sell ------------------------------------------------------------------------------------------


def test_a_running_help_sell_flag_is_pointed_out_for_the_demand(docking):
    from shop.docking import matching

    flag = HelpSellFlag.objects.create(
        product=docking.products[1],
        quantity=300,
        reason="harvest_glut",
        until=today() + datetime.timedelta(days=9),
    )
    demand = docking.demand()

    assert list(matching.running_flags(demand)) == [flag]
    assert list(matching.running_flags(docking.demand(category=docking.grain))) == []
