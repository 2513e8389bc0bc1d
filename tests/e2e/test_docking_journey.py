"""Journey: production–marketing docking. A buyer posts a purchase demand for its organisation, two sellers
quote, the buyer compares the quotes side by side and awards part to each, each award is an order at the
quoted price, staff record the bank transfers, and the organisation's quota rises by the counted lines.
"""

import datetime
import re
import uuid
from decimal import Decimal

import pytest

from shop.core import dates
from tests.e2e.page_checks import assert_no_horizontal_overflow

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect

ORGANISATION = "安远县财政局"  # the buyer's demo organisation without an approval threshold
OFFERS = [
    ("seller@example.com", "安远县橙乡脐橙专业合作社", "赣南脐橙 5斤装", "36.00", 20),
    ("seller2@example.com", "寻乌县东江源果业有限公司", "寻乌脐橙 5斤装", "34.50", 10),
]


def yuan(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.\-]", "", text))


def test_buyer_posts_two_sellers_quote_buyer_awards_to_both_and_the_quota_rises(journey):
    today = dates.today()
    title = f"食堂脐橙集中采购 {uuid.uuid4().hex[:6]}"

    buyer_session = journey("docking-buyer")
    buyer = buyer_session.new_page()
    buyer_session.login(buyer, "buyer@example.com")
    buyer.goto("/organisations/")
    with buyer.expect_navigation():
        buyer.get_by_role("link", name=ORGANISATION, exact=True).click()
    organisation_pk = re.search(r"/organisations/(\d+)/", buyer.url).group(1)

    staff_session = journey("docking-staff")
    staff = staff_session.new_page()
    staff_session.login(staff, "staff@example.com")
    staff.goto(f"/organisations/{organisation_pk}/report/")
    counted_before = Decimal(staff.locator("#counted").get_attribute("data-amount"))

    # The buyer posts the demand from the header's board link, saves a draft and opens it.
    buyer.goto("/docking/")
    expect(buyer.locator("h1")).to_contain_text("采购需求")
    buyer.goto("/docking/mine/new/")
    buyer.select_option("select[name='organisation']", label=ORGANISATION)
    buyer.fill("input[name='title']", title)
    buyer.select_option("select[name='category']", label="新鲜水果")
    buyer.fill("input[name='quantity']", "50")
    buyer.select_option("select[name='unit']", value="box")
    buyer.fill("input[name='price_min']", "30")
    buyer.fill("input[name='price_max']", "40")
    buyer.fill("input[name='delivery_from']", (today + datetime.timedelta(days=10)).isoformat())
    buyer.fill("input[name='delivery_until']", (today + datetime.timedelta(days=30)).isoformat())
    buyer.select_option("select[name='delivery_region']", value="360000")
    buyer.fill("input[name='quote_deadline']", (today + datetime.timedelta(days=5)).isoformat())
    buyer.fill("input[name='delivery_address']", "江西省赣州市安远县欣山镇 县机关食堂")
    buyer.fill("input[name='contact_name']", "李采购")
    buyer.fill("input[name='contact_phone']", "13907970001")
    buyer_session.shot(buyer, "post-demand")
    with buyer.expect_navigation():
        buyer.get_by_role("button", name="保存草稿").click()
    demand_url = buyer.url
    demand_pk = re.search(r"/docking/mine/(\d+)/", demand_url).group(1)
    with buyer.expect_navigation():
        buyer.get_by_role("button", name="发布征集报价").click()
    expect(buyer.locator(".alert-success")).to_contain_text("已通知")
    expect(buyer.locator(".docking-status")).to_contain_text("征集报价中")

    # The public board shows it, without the buyer's contact details.
    anonymous = journey("docking-visitor").new_page()
    anonymous.set_viewport_size({"width": 390, "height": 844})  # a phone first
    anonymous.goto("/docking/")
    expect(anonymous.locator("body")).to_contain_text(title)
    expect(anonymous.locator("body")).not_to_contain_text("13907970001")
    assert_no_horizontal_overflow(anonymous)

    # Two sellers find it in the seller centre and quote.
    for email, _seller, product, price, _quantity in OFFERS:
        session = journey(f"docking-{email.split('@')[0]}")
        seller = session.new_page()
        session.login(seller, email)
        seller.goto("/docking/seller/")
        expect(seller.locator("body")).to_contain_text(title)
        with seller.expect_navigation():
            seller.locator(".docking-demand", has_text=title).get_by_role("link").click()
        option = seller.locator("select[name='product'] option", has_text=product).first
        seller.select_option("select[name='product']", value=option.get_attribute("value"))
        seller.fill("input[name='unit_price']", price)
        seller.fill("input[name='quantity']", "30")
        seller.fill("input[name='lead_time_days']", "3")
        seller.fill("input[name='valid_until']", (today + datetime.timedelta(days=20)).isoformat())
        session.shot(seller, "quote")
        with seller.expect_navigation():
            seller.get_by_role("button", name="提交报价").click()
        expect(seller.locator(".alert-success")).to_contain_text("报价")

    # The buyer compares (cheapest first) and awards part to each.
    buyer.set_viewport_size({"width": 390, "height": 844})
    buyer.goto(demand_url)
    assert_no_horizontal_overflow(buyer)  # the comparison stacks its quote cards on a phone
    buyer.set_viewport_size({"width": 1280, "height": 900})
    buyer.goto(demand_url)
    cards = buyer.locator(".docking-quote")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("寻乌县东江源果业有限公司")
    expect(cards.first).to_contain_text("¥34.50")
    for _email, seller, _product, _price, quantity in OFFERS:
        buyer.locator(".docking-quote", has_text=seller).locator("input[type='number']").fill(str(quantity))
    buyer.fill("input[name='po_reference']", f"DOCK-{demand_pk}")
    buyer_session.shot(buyer, "compare-and-award")
    with buyer.expect_navigation():
        buyer.get_by_role("button", name="授标并下单").click()
    expect(buyer.locator(".alert-success")).to_contain_text("2")
    expect(buyer.locator(".docking-status")).to_contain_text("部分授标")
    awards = buyer.locator(".docking-awards li")
    expect(awards).to_have_count(2)
    numbers = [re.search(r"订单 (\S+)", awards.nth(index).inner_text()).group(1) for index in range(2)]
    buyer_session.shot(buyer, "awarded")

    # Each award is an order of the organisation at the quoted price; staff record the transfers.
    expected_amounts = {Decimal(price) * quantity for _e, _s, _p, price, quantity in OFFERS}
    for number in numbers:
        staff.goto("/dashboard/institutions/payments/")
        with staff.expect_navigation():
            staff.locator("tr", has_text=number).get_by_role("link").click()
        staff.fill("input[name='paid_on']", today.isoformat())
        staff.fill("input[name='reference']", f"BANK-{number}")
        with staff.expect_navigation():
            staff.click("form:has(input[name='reference']) button[type='submit']")
        expect(staff.locator(".alert-success")).to_contain_text(number)
    staff_session.shot(staff, "payments-recorded")

    counted_lines = []
    for number in numbers:
        staff.goto(f"/organisations/{organisation_pk}/orders/{number}/")
        rows = staff.locator("table tbody tr")
        counted_lines += [
            yuan(rows.nth(index).locator("td").nth(3).inner_text())
            for index in range(rows.count())
            if rows.nth(index).locator("td").last.inner_text().strip() == "是"
        ]
    assert set(counted_lines) == expected_amounts  # both lines count, at the quoted prices
    staff.goto(f"/organisations/{organisation_pk}/report/")
    counted_after = Decimal(staff.locator("#counted").get_attribute("data-amount"))
    staff_session.shot(staff, "quota-after")
    assert counted_after - counted_before == sum(counted_lines) == Decimal("1065.00")
