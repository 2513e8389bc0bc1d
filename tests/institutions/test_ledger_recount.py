"""The ledger equals an independent recount in plain SQL, over a generated year with thousands of orders.

The year is generated with bulk creation: orders around midnight at both year ends (Asia/Shanghai),
every order status, cancelled lines, certified or not, poverty county or not, agricultural or not,
organisation and personal orders, a trade union under its unit, bank refunds, Stripe refunds
(confirmed and still pending) and acceptances with shortfalls. The recount is written straight
from the rule's statement, with none of the shop's query code; it runs on PostgreSQL and SQLite.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from oscar.core.loading import get_model

from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import LineAcceptance, LineRefund, Organisation, OrganisationOrder
from shop.order import statuses
from shop.payment.models import OnlinePayment, Refund, RefundLine
from tests import factories
from tests.institutions.factories import OrganisationFactory

Order = get_model("order", "Order")
Line = get_model("order", "Line")

pytestmark = pytest.mark.django_db

YEAR = 2025
ORDERS = 3000
CENT = Decimal("0.01")
ORDER_STATUSES = [
    statuses.PAID,
    statuses.PAID,
    statuses.SHIPPED,
    statuses.COMPLETED,
    statuses.COMPLETED,
    statuses.REFUNDED,
    statuses.CANCELLED,
    statuses.PENDING_PAYMENT,
    statuses.AWAITING_APPROVAL,
]

RECOUNT = """
SELECT link.organisation_id,
       SUM(line.line_price_incl_tax - CASE WHEN refunded.amount > not_accepted.amount
                                           THEN refunded.amount ELSE not_accepted.amount END)
FROM order_line AS line
JOIN order_order AS o ON o.id = line.order_id
JOIN institutions_organisationorder AS link ON link.order_id = o.id
JOIN (
    SELECT l.id AS line_id,
           COALESCE((SELECT SUM(r.amount) FROM institutions_linerefund AS r WHERE r.line_id = l.id), 0)
         + COALESCE((SELECT SUM(s.amount) FROM payment_refundline AS s
                     JOIN payment_refund AS sr ON sr.id = s.refund_id
                     WHERE s.line_id = l.id AND sr.status = %(succeeded)s), 0) AS amount
    FROM order_line AS l
) AS refunded ON refunded.line_id = line.id
JOIN (
    SELECT l.id AS line_id,
           COALESCE((SELECT l.line_price_incl_tax - ROUND(l.line_price_incl_tax * a.accepted_quantity / l.quantity, 2)
                     FROM institutions_lineacceptance AS a WHERE a.line_id = l.id), 0) AS amount
    FROM order_line AS l
) AS not_accepted ON not_accepted.line_id = line.id
WHERE o.date_placed >= %(start)s AND o.date_placed < %(end)s
  AND o.status IN (%(paid)s, %(shipped)s, %(completed)s)
  AND line.status <> %(cancelled)s
  AND line.was_certified = %(yes)s AND line.was_poverty_county = %(yes)s AND line.was_agricultural = %(yes)s
GROUP BY link.organisation_id
"""


def recount() -> dict[int, Decimal]:
    start, end = dates.year_bounds(YEAR)
    params = {
        "start": connection.ops.adapt_datetimefield_value(start),
        "end": connection.ops.adapt_datetimefield_value(end),
        "paid": statuses.PAID,
        "shipped": statuses.SHIPPED,
        "completed": statuses.COMPLETED,
        "cancelled": statuses.LINE_CANCELLED,
        "succeeded": Refund.Status.SUCCEEDED,
        "yes": True,
    }
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT, params)
        return {org: Decimal(str(total)).quantize(CENT) for org, total in cursor.fetchall()}


def moment(rng: random.Random) -> datetime.datetime:
    """A time in the year or just outside it, often within minutes of midnight at either end."""
    if rng.random() < 0.15:
        edge = dates.at(datetime.date(rng.choice((YEAR, YEAR + 1)), 1, 1))
        return edge + datetime.timedelta(seconds=rng.randint(-600, 600))
    return dates.at(datetime.date(YEAR, 1, 1)) + datetime.timedelta(seconds=rng.randrange(365 * 86400))


@pytest.fixture
def generated_year(partner, consumer):
    rng = random.Random(15)
    unit = OrganisationFactory(name="赣州市财政局")
    union = OrganisationFactory(
        name="赣州市财政局工会", parent=unit, relation_to_parent=Organisation.Relation.AFFILIATED
    )
    below = OrganisationFactory(name="章贡区财政局", parent=unit)
    other = OrganisationFactory(name="吉安市教育局")
    organisations = [unit, union, below, other]
    product = factories.ProductFactory(partner=partner, certified=True)
    orders = Order.objects.bulk_create(
        Order(
            number=f"R{index:07d}",
            user=consumer,
            currency="CNY",
            total_incl_tax=0,
            total_excl_tax=0,
            shipping_incl_tax=0,
            shipping_excl_tax=0,
            status=rng.choice(ORDER_STATUSES),
            date_placed=moment(rng),
            payment_method=rng.choice(("bank_transfer", "stripe")),
        )
        for index in range(ORDERS)
    )
    if orders[0].pk is None:  # databases that do not return ids from bulk inserts
        orders = list(Order.objects.filter(number__startswith="R").order_by("number"))
    OrganisationOrder.objects.bulk_create(
        OrganisationOrder(
            order=order,
            organisation=rng.choice(organisations),
            purpose=rng.choice(("canteen", "union_welfare")),
            buyer=consumer,
            fapiao_type="ordinary",
            fapiao_title="单位",
            taxpayer_id="91360700MA35ABCD1Q",
        )
        for order in orders
        if rng.random() < 0.9
    )
    lines = []
    for order in orders:
        for _ in range(rng.randint(1, 3)):
            quantity = rng.choice((1, 2, 3, 5, 10))
            unit_price = Decimal(rng.randint(100, 20000)) / 100
            total = unit_price * quantity
            lines.append(
                Line(
                    order=order,
                    partner=partner,
                    partner_name="合作社",
                    partner_sku="SKU",
                    product=product,
                    title="赣南脐橙",
                    quantity=quantity,
                    num_allocated=quantity,
                    line_price_incl_tax=total,
                    line_price_excl_tax=total,
                    line_price_before_discounts_incl_tax=total,
                    line_price_before_discounts_excl_tax=total,
                    unit_price_incl_tax=unit_price,
                    unit_price_excl_tax=unit_price,
                    status=statuses.LINE_CANCELLED if rng.random() < 0.05 else statuses.LINE_SHIPPED,
                    was_certified=rng.random() < 0.8,
                    was_poverty_county=rng.random() < 0.9,
                    was_agricultural=rng.random() < 0.9,
                )
            )
    Line.objects.bulk_create(lines)
    lines = list(Line.objects.filter(order__number__startswith="R").select_related("order"))
    bank, stripe, accepted = [], [], []
    payments = {}
    for line in lines:
        if rng.random() < 0.08:
            bank.append(
                LineRefund(
                    line=line,
                    amount=(line.line_price_incl_tax * Decimal(rng.choice(("0.1", "0.5", "1")))).quantize(
                        CENT
                    ),
                    refunded_at=line.order.date_placed,
                )
            )
        if rng.random() < 0.05:
            payment = payments.get(line.order_id) or OnlinePayment.objects.create(
                order=line.order, intent_id=f"pi_{line.order_id}", amount=Decimal("1000"), currency="CNY"
            )
            payments[line.order_id] = payment
            refund = Refund.objects.create(
                order=line.order,
                payment=payment,
                amount=Decimal("1"),
                currency="CNY",
                status=rng.choice(
                    (Refund.Status.SUCCEEDED, Refund.Status.SUCCEEDED, Refund.Status.REQUESTED)
                ),
            )
            stripe.append(RefundLine(refund=refund, line=line, quantity=1, amount=Decimal("1.00")))
        if rng.random() < 0.3:
            accepted.append(
                LineAcceptance(
                    line=line,
                    accepted_quantity=rng.randint(0, line.quantity),
                    note="短缺",
                    accepted_by=consumer,
                    accepted_at=line.order.date_placed,
                )
            )
    LineRefund.objects.bulk_create(bank)
    RefundLine.objects.bulk_create(stripe)
    LineAcceptance.objects.bulk_create(accepted)
    return {"unit": unit, "union": union, "below": below, "other": other, "lines": len(lines)}


def test_the_ledger_equals_a_plain_sql_recount_of_a_generated_year(generated_year):
    expected = recount()

    ledger = quotas.counted_by_organisation(year=YEAR)

    assert generated_year["lines"] > 4000
    assert len(expected) == 4 and all(total > 0 for total in expected.values())
    assert {org: total for org, total in ledger.items() if total} == expected
    unit, union, below = generated_year["unit"], generated_year["union"], generated_year["below"]
    assert quotas.counted_value(unit, year=YEAR) == expected[unit.pk] + expected[union.pk]
    assert quotas.counted_value(unit, year=YEAR, include_units=True) == (
        expected[unit.pk] + expected[union.pk] + expected[below.pk]
    )
    everyone = quotas.progress_for_all(year=YEAR)
    assert everyone[unit.pk].counted == expected[unit.pk] + expected[union.pk]
    assert sum(everyone[unit.pk].by_purpose.values()) == everyone[unit.pk].counted
    by_purpose = quotas.breakdowns(year=YEAR, organisation_ids=list(expected))["purpose"]
    assert sum(total for _label, total in by_purpose) == sum(expected.values())
    per_line = defaultdict(Decimal)
    for line in quotas.counted_lines(year=YEAR).values(
        "order__organisation_link__organisation_id", "counted"
    ):
        per_line[line["order__organisation_link__organisation_id"]] += Decimal(str(line["counted"]))
    assert {org: total.quantize(CENT) for org, total in per_line.items()} == expected
