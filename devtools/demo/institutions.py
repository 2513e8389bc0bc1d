"""Demo organisations: a finance-department hierarchy with a trade union, members, targets and paid orders.

Idempotent: organisations are looked up by credit code, demo orders by their purchase-order reference.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_class, get_model

from catalogue_ext.credit_codes import check_character
from shop.checkout import payment_methods
from shop.core import dates
from shop.institutions import checkout
from shop.institutions.models import (
    AnnualTarget,
    FinanceBureau,
    Membership,
    Organisation,
    OrganisationOrder,
    Purpose,
)
from shop.order import statuses

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")
Free = get_class("shipping.methods", "Free")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

# (key, name, kind, region code, parent key, relation, first 17 characters of the credit code)
ORGANISATIONS = [
    (
        "province",
        "江西省财政厅",
        Organisation.Kind.BUDGET_UNIT,
        "360000",
        None,
        "subordinate",
        "11360000MB0000001",
    ),
    (
        "city",
        "赣州市财政局",
        Organisation.Kind.BUDGET_UNIT,
        "360700",
        "province",
        "subordinate",
        "11360700MB0000002",
    ),
    (
        "union",
        "赣州市财政局工会",
        Organisation.Kind.SOCIAL,
        "360700",
        "city",
        "affiliated",
        "81360700MC0000003",
    ),
    (
        "county",
        "安远县财政局",
        Organisation.Kind.BUDGET_UNIT,
        "360726",
        "city",
        "subordinate",
        "11360726MB0000004",
    ),
    (
        "soe",
        "江西省交通投资集团有限责任公司",
        Organisation.Kind.STATE_OWNED,
        "360000",
        None,
        "subordinate",
        "91360000MA0000005",
    ),
]
# (key, declared canteen spending or None, fixed target or None)
TARGETS = {
    "province": (Decimal("400000.00"), None),
    "city": (Decimal("150000.00"), None),
    "county": (None, Decimal("3000.00")),
    "soe": (None, Decimal("20000.00")),
}
# (reference, organisation key, buyer e-mail, purpose, month, items as (product index, quantity), status)
ORDERS = [
    ("DEMO-ORG-01", "city", "buyer@example.com", Purpose.CANTEEN, 1, [(0, 12), (1, 8)], statuses.COMPLETED),
    (
        "DEMO-ORG-02",
        "city",
        "buyer@example.com",
        Purpose.CANTEEN,
        3,
        [(2, 10), (3, 6), (-1, 2)],
        statuses.COMPLETED,
    ),
    ("DEMO-ORG-03", "union", "buyer@example.com", Purpose.UNION_WELFARE, 2, [(4, 15)], statuses.COMPLETED),
    ("DEMO-ORG-04", "city", "buyer@example.com", Purpose.OTHER, 5, [(5, 8), (6, 5)], statuses.PAID),
    ("DEMO-ORG-05", "county", "buyer@example.com", Purpose.CANTEEN, 4, [(7, 10)], statuses.COMPLETED),
    (
        "DEMO-ORG-06",
        "province",
        "orgadmin@example.com",
        Purpose.CANTEEN,
        6,
        [(8, 12), (9, 10)],
        statuses.COMPLETED,
    ),
    ("DEMO-ORG-07", "soe", "orgadmin@example.com", Purpose.UNION_WELFARE, 7, [(10, 15)], statuses.PAID),
    ("DEMO-ORG-08", "city", "buyer@example.com", Purpose.CANTEEN, None, [(11, 3)], statuses.PENDING_PAYMENT),
    (
        "DEMO-ORG-09",
        "city",
        "buyer@example.com",
        Purpose.CANTEEN,
        None,
        [(0, 5), (1, 5), (2, 5)],
        statuses.AWAITING_APPROVAL,
    ),
]


def load(stdout=None):
    """Load the demo organisations, members, targets and orders (safe to run again)."""
    with transaction.atomic():
        organisations = _organisations()
        _members(organisations)
        _targets(organisations)
        _bureau()
    created = _orders(organisations)
    if stdout is not None:
        stdout.write(f"  {len(organisations)} organisations, {created} new organisation orders")


def _organisations() -> dict:
    result = {}
    for key, name, kind, region_code, parent_key, relation, first17 in ORGANISATIONS:
        code = first17 + check_character(first17)
        organisation, _created = Organisation.objects.update_or_create(
            credit_code=code,
            defaults={
                "name": name,
                "kind": kind,
                "region": Region.objects.filter(code=region_code).first(),
                "parent": result.get(parent_key),
                "relation_to_parent": relation,
                "fapiao_title": name,
                "taxpayer_id": code,
                "approval_threshold": Decimal("300.00") if key == "city" else None,
            },
        )
        result[key] = organisation
    paired = Region.objects.filter(code__in=["360726", "360734"])
    result["city"].paired_counties.set(paired)
    result["province"].paired_counties.set(paired)
    return result


def _members(organisations):
    users = {user.email: user for user in get_user_model().objects.filter(email__endswith="@example.com")}
    roles = [
        ("city", "buyer@example.com", {"is_buyer": True}),
        ("union", "buyer@example.com", {"is_buyer": True}),
        ("county", "buyer@example.com", {"is_buyer": True}),
        ("city", "approver@example.com", {"is_buyer": False, "is_approver": True}),
        ("city", "orgadmin@example.com", {"is_buyer": False, "is_administrator": True}),
        (
            "province",
            "orgadmin@example.com",
            {"is_buyer": True, "is_administrator": True, "is_approver": True},
        ),
        ("soe", "orgadmin@example.com", {"is_buyer": True, "is_administrator": True}),
    ]
    for key, email, flags in roles:
        if email in users:
            Membership.objects.update_or_create(
                organisation=organisations[key], user=users[email], defaults=flags
            )


# The finance bureau of the demo's region: it covers every demo unit (all registered in Jiangxi).
BUREAU = ("江西省财政厅（消费帮扶统计）", "360000", "bureau@example.com")


def _bureau():
    name, region_code, email = BUREAU
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return
    bureau, _created = FinanceBureau.objects.update_or_create(
        name=name, defaults={"region": region, "is_active": True}
    )
    user = get_user_model().objects.filter(email=email).first()
    if user is not None:
        bureau.members.add(user)


def _targets(organisations):
    year = dates.current_year()
    for key, (declared, fixed) in TARGETS.items():
        AnnualTarget.objects.update_or_create(
            organisation=organisations[key],
            year=year,
            defaults={
                "declared_canteen_spending": declared,
                "fixed_amount": fixed,
                "paired_share": Decimal("0.30") if key == "city" else None,
            },
        )


def _orders(organisations) -> int:
    users = {user.email: user for user in get_user_model().objects.filter(email__endswith="@example.com")}
    certified = list(
        Product.objects.certified()
        .filter(origin_county__is_poverty_county=True, stockrecords__isnull=False)
        .distinct()
        .order_by("upc", "pk")[:12]
    )
    uncertified = (
        Product.objects.uncertified().filter(stockrecords__isnull=False).order_by("upc", "pk").first()
    )
    if len(certified) < 12 or uncertified is None:
        return 0
    today = dates.today()
    created = 0
    for reference, key, email, purpose, month, items, status in ORDERS:
        user = users.get(email)
        if user is None or OrganisationOrder.objects.filter(po_reference=reference).exists():
            continue
        products = [(uncertified if index == -1 else certified[index], quantity) for index, quantity in items]
        placed_at = None
        if month is not None:
            day = datetime.date(today.year, min(month, today.month), 15)
            day = min(day, today)
            placed_at = dates.at(day, datetime.time(10))
        try:
            _place(user, organisations[key], reference, purpose, products, status, placed_at)
        except UnableToPlaceOrder:
            continue  # not enough demo stock left: skip this order rather than fail the whole demo
        created += 1
    return created


def _place(user, organisation, reference, purpose, products, status, placed_at):
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for product, quantity in products:
        basket.add_product(product, quantity=quantity)
    shipping = Free()
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    with transaction.atomic():
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=shipping,
            shipping_charge=charge,
            user=user,
            status=status,
        )
        basket.submit()
        updates = {"payment_method": payment_methods.BANK_TRANSFER}
        if placed_at is not None:
            updates["date_placed"] = placed_at
        if status in statuses.PAID_STATUSES:
            updates["paid_at"] = placed_at or order.date_placed
        Order.objects.filter(pk=order.pk).update(**updates)
        order.refresh_from_db()
        tagging = {
            "organisation": organisation,
            "purpose": purpose,
            "po_reference": reference,
            **organisation.fapiao_defaults(),
        }
        checkout.tag_order(order, tagging, buyer=user)
