"""One quota-eligibility rule: the named conditions judged in Python and in SQL agree on every reason.

shop.institutions.quotas.CONDITIONS is the one list: line_counts() (the checkout's quota preview, and
any order line), frozen_line_fields() (what the order creator freezes) and counting_filter() (the
reports) are all built from it.
"""

import datetime
from decimal import Decimal

import pytest
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model

from shop.core import dates
from shop.institutions import checkout, quotas
from shop.institutions.quotas import Reason
from shop.order import statuses
from tests import factories
from tests.institutions.factories import place_order

Basket = get_model("basket", "Basket")
Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

YEAR = dates.today().year
LAST_YEAR = dates.at(datetime.date(YEAR - 1, 6, 1), datetime.time(12))


@pytest.fixture
def one_line_per_reason(buyer, organisation, partner, non_poverty_county):
    """A placed order line for every reason a line can have, the counting one included."""

    def line_of(product, **order_options):
        return place_order(buyer, [(product, 1)], **order_options).lines.get()

    def cancelled_line():
        line = line_of(counting, organisation=organisation)
        Line.objects.filter(pk=line.pk).update(status=statuses.LINE_CANCELLED)
        return Line.objects.get(pk=line.pk)

    counting = factories.ProductFactory(partner=partner, certified=True, price=Decimal("10.00"))
    return {
        Reason.ORDER_REFUNDED: line_of(counting, organisation=organisation, status=statuses.REFUNDED),
        Reason.LINE_CANCELLED: cancelled_line(),
        Reason.COUNTS: line_of(counting, organisation=organisation),
        Reason.NOT_POVERTY_COUNTY: line_of(
            factories.ProductFactory(partner=partner, certified=True, origin_county=non_poverty_county),
            organisation=organisation,
        ),
        Reason.NOT_CERTIFIED: line_of(factories.ProductFactory(partner=partner), organisation=organisation),
        Reason.NOT_AGRICULTURAL: line_of(
            factories.ProductFactory(
                partner=partner,
                certified=True,
                categories=[factories.CategoryFactory(name="手工艺品", is_agricultural=False)],
            ),
            organisation=organisation,
        ),
        Reason.NOT_ORGANISATION_ORDER: line_of(counting),
        Reason.NOT_PAID: line_of(counting, organisation=organisation, status=statuses.CANCELLED),
        Reason.OTHER_YEAR: line_of(counting, organisation=organisation, placed_at=LAST_YEAR),
    }


def test_every_reason_has_a_line_and_python_names_it(one_line_per_reason):
    assert set(one_line_per_reason) == set(Reason)
    for reason, line in one_line_per_reason.items():
        assert quotas.line_counts(Line.objects.get(pk=line.pk), year=YEAR) == (
            reason == Reason.COUNTS,
            reason,
        )


def test_the_sql_filter_counts_exactly_the_lines_python_counts(one_line_per_reason):
    counted_in_sql = set(Line.objects.filter(quotas.counting_filter(year=YEAR)).values_list("pk", flat=True))
    qualifying = set(quotas.qualifying_lines(year=YEAR).values_list("pk", flat=True))

    counted_in_python = {
        line.pk for line in one_line_per_reason.values() if quotas.line_counts(line, year=YEAR)[0]
    }
    assert counted_in_sql == qualifying == counted_in_python == {one_line_per_reason[Reason.COUNTS].pk}


def test_each_condition_holds_in_sql_exactly_where_it_holds_in_python(one_line_per_reason):
    for condition in quotas.CONDITIONS:
        in_sql = set(Line.objects.filter(condition.q(YEAR)).values_list("pk", flat=True))
        for reason, line in one_line_per_reason.items():
            facts = quotas.line_facts(Line.objects.get(pk=line.pk))
            assert (line.pk in in_sql) == condition.holds(facts, YEAR), (condition.fails_with, reason)


def test_a_line_of_another_year_counts_for_its_own_year(one_line_per_reason):
    line = one_line_per_reason[Reason.OTHER_YEAR]

    assert quotas.line_counts(line, year=YEAR - 1) == (True, Reason.COUNTS)
    assert quotas.qualifying_lines(year=YEAR - 1).filter(pk=line.pk).exists()


def _basket(user, *products):
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for product in products:
        basket.add_product(product, quantity=1)
    return basket


def test_the_preview_the_order_creator_and_the_reports_agree_on_a_variant(buyer, organisation, partner):
    _parent, variant = factories.variant_family(partner, certified=True, price=Decimal("25.00"))

    preview = checkout.quota_preview(_basket(buyer, variant), organisation)
    line = place_order(buyer, [(variant, 1)], organisation=organisation).lines.get()

    assert [(item.counts, item.reason) for item in preview.lines] == [(True, "")]
    assert (line.was_certified, line.was_poverty_county) == (True, True)
    assert quotas.line_counts(line, year=YEAR) == (True, Reason.COUNTS)
    assert quotas.counted_value(organisation, year=YEAR) == Decimal("25.00")


def test_the_preview_and_the_order_creator_agree_on_an_uncertified_product(buyer, organisation, partner):
    product = factories.ProductFactory(partner=partner, price=Decimal("25.00"))

    preview = checkout.quota_preview(_basket(buyer, product), organisation)
    line = place_order(buyer, [(product, 1)], organisation=organisation).lines.get()

    assert [(item.counts, item.reason) for item in preview.lines] == [(False, "没有有效的消费帮扶产品认定")]
    assert quotas.line_counts(line, year=YEAR) == (False, Reason.NOT_CERTIFIED)
    assert quotas.counted_value(organisation, year=YEAR) == Decimal("0.00")


def test_the_order_creator_freezes_what_the_preview_judged(partner):
    product = factories.ProductFactory(partner=partner, certified=True)

    fields = quotas.frozen_line_fields(product)

    assert fields["was_certified"] and fields["was_poverty_county"]
    assert fields["certificate_number"] == product.certificates.get().number
    assert fields["origin_county"] == product.origin_county
