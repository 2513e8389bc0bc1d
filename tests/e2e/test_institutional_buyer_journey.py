"""Journey 2: a buyer orders for the organisation, the approver approves, staff record the bank transfer,
and the organisation's quota rises by exactly the part of the order that counts (certified, poverty county).
"""

import re
import uuid
from decimal import Decimal

import pytest

from shop.core import dates
from tests.e2e.steps import (
    add_to_basket,
    choose_payment,
    go_to_checkout,
    place_order,
    set_quantity,
    ship_to_an_address,
)

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect

ORGANISATION = "赣州市财政局"  # the demo organisation whose orders above ¥300 need approval


def yuan(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.\-]", "", text))


def test_buyer_orders_for_the_organisation_and_the_quota_rises_by_the_certified_part(journey):
    buyer_session = journey("journey2-buyer")
    buyer = buyer_session.new_page()
    buyer_session.login(buyer, "buyer@example.com")
    buyer.goto("/organisations/")
    with buyer.expect_navigation():
        buyer.get_by_role("link", name=ORGANISATION, exact=True).click()
    organisation_pk = re.search(r"/organisations/(\d+)/", buyer.url).group(1)

    administrator_session = journey("journey2-orgadmin")
    administrator = administrator_session.new_page()
    administrator_session.login(administrator, "orgadmin@example.com")
    administrator.goto(f"/organisations/{organisation_pk}/report/")
    counted_before = Decimal(administrator.locator("#counted").get_attribute("data-amount"))
    administrator_session.shot(administrator, "quota-before")

    # A certified product and one that does not count, enough of them to need the approver.
    buyer.goto("/search/?q=蜂蜜")
    counting = buyer.locator(".product_pod:has(.certified-badge) h3 a").first
    not_counting = buyer.locator(".product_pod:not(:has(.certified-badge)) h3 a").first
    counting_title, counting_url = counting.inner_text().strip(), counting.get_attribute("href")
    other_title, other_url = not_counting.inner_text().strip(), not_counting.get_attribute("href")
    buyer_session.shot(buyer, "search")
    buyer.goto(counting_url)
    add_to_basket(buyer)
    buyer.goto(other_url)
    add_to_basket(buyer)
    buyer.goto("/basket/")
    set_quantity(buyer, counting_title, 6)
    expect(buyer.locator("#basket_formset")).to_contain_text(other_title)
    buyer_session.shot(buyer, "basket")

    go_to_checkout(buyer)
    ship_to_an_address(buyer_session, buyer)
    choose_payment(buyer_session, buyer, "bank_transfer")

    buyer.wait_for_url(re.compile(r"/organisations/checkout/"))
    buyer.get_by_label(ORGANISATION, exact=True).check()
    expect(buyer.locator("input[name='fapiao_title']")).to_have_value(
        ORGANISATION
    )  # filled in from the organisation
    purchase_order = f"E2E-PO-{uuid.uuid4().hex[:8]}"
    buyer.select_option("select[name='purpose']", label="食堂食材")
    buyer.fill("input[name='po_reference']", purchase_order)
    buyer.select_option("select[name='fapiao_type']", index=1)  # the special VAT fapiao
    buyer.fill("input[name='fapiao_address']", "江西省赣州市章贡区长征大道1号")
    buyer.fill("input[name='fapiao_phone']", "0797-8888888")
    buyer.fill("input[name='fapiao_bank']", "中国工商银行赣州分行")
    buyer.fill("input[name='fapiao_account']", "1510200000000000001")
    buyer_session.shot(buyer, "for-the-organisation")
    with buyer.expect_navigation():
        buyer.click("#tagging-form button[type='submit']")
    expect(buyer.locator("body")).to_contain_text(ORGANISATION)
    number = place_order(buyer_session, buyer)

    # The order waits for the approver (second browser context).
    approver_session = journey("journey2-approver")
    approver = approver_session.new_page()
    approver_session.login(approver, "approver@example.com")
    approver.goto(f"/organisations/{organisation_pk}/approvals/")
    approve = approver.locator(f"form[action$='/approvals/{number}/approve/'] button[type='submit']")
    expect(approve).to_be_visible()
    approver_session.shot(approver, "awaiting-approval")
    with approver.expect_navigation():
        approve.click()
    expect(approver.locator(".alert-success")).to_contain_text(number)
    approver_session.shot(approver, "approved")

    # Staff record the bank transfer in the dashboard (third browser context).
    staff_session = journey("journey2-staff")
    staff = staff_session.new_page()
    staff_session.login(staff, "staff@example.com")
    staff.goto("/dashboard/institutions/payments/")
    with staff.expect_navigation():
        staff.locator("tr", has_text=number).get_by_role("link").click()
    staff.fill("input[name='paid_on']", dates.now().date().isoformat())
    staff.fill("input[name='reference']", f"BANK-{purchase_order}")
    staff_session.shot(staff, "record-payment")
    with staff.expect_navigation():
        staff.click("form:has(input[name='reference']) button[type='submit']")
    expect(staff.locator(".alert-success")).to_contain_text(number)
    staff_session.shot(staff, "payment-recorded")

    # The organisation's order, line by line, and the quota after.
    administrator.goto(f"/organisations/{organisation_pk}/orders/{number}/")
    expect(administrator.locator("dl")).to_contain_text(purchase_order)
    rows = administrator.locator("table tbody tr")
    expect(rows.filter(has_text=other_title)).to_contain_text("否")
    counted_lines = [
        yuan(rows.nth(index).locator("td").nth(3).inner_text())
        for index in range(rows.count())
        if rows.nth(index).locator("td").last.inner_text().strip() == "是"
    ]
    assert len(counted_lines) == 1, "exactly the certified line counts"
    administrator_session.shot(administrator, "order-lines")
    administrator.goto(f"/organisations/{organisation_pk}/report/")
    counted_after = Decimal(administrator.locator("#counted").get_attribute("data-amount"))
    administrator_session.shot(administrator, "quota-after")
    assert counted_after - counted_before == sum(counted_lines)
    assert counted_lines[0] > 0
