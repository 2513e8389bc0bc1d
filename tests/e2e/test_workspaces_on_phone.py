"""Role workspaces on a 390 × 844 phone and on a desktop: the organisation buyer's checkout (address,
payment, fapiao/PO, preview, thank-you), the approver's queue, the seller centre and the county officer's
pages. Every page visited fits the viewport (no horizontal overflow) and its content has no serious or
critical axe-core violation; the seller's and the officer's lists read as cards on the phone, tables on
the desktop.
"""

import re
import uuid

import pytest

from tests.e2e.page_checks import assert_accessible, assert_no_horizontal_overflow
from tests.e2e.steps import add_to_basket, choose_payment, go_to_checkout, place_order

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect

ORGANISATION = "赣州市财政局"
# The site frame (header, menus, footer) belongs to the storefront and is checked by its journeys; these
# journeys check the workspace content each role works in.
SITE_FRAME = (
    "header.header",
    "header.site-header",
    "#top_page",  # Oscar's account bar
    "footer",
    "nav.navbar-accounts",  # the dashboard's menus
    "nav.navbar-primary",
)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def opened(session, viewport):
    page = session.new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    return page


def assert_lists_read_as(page, viewport):
    """Workspace lists are one card per row on a phone (each cell labelled, nothing scrolling sideways
    inside the page) and tables on a desktop."""
    tables = page.evaluate(
        """() => [...document.querySelectorAll('table.ws-table-cards')].map((table) => ({
            rows: [...table.querySelectorAll('tbody tr')].map((row) => getComputedStyle(row).display),
            header: getComputedStyle(table.querySelector('thead')).height,
            scrolls: table.parentElement.scrollWidth > table.parentElement.clientWidth,
            labels: [...table.querySelectorAll('tbody td[data-label]')].map(
                (cell) => getComputedStyle(cell, '::before').content),
        }))"""
    )
    assert tables, f"{page.url} shows no workspace list"
    for table in tables:
        assert table["rows"], f"{page.url}: a list without rows"
        if viewport == "phone":
            assert set(table["rows"]) == {"block"}, f"{page.url}: rows are not cards: {table['rows']}"
            assert table["header"] == "1px", f"{page.url}: the column headers still show above the cards"
            assert not table["scrolls"], f"{page.url}: the cards scroll sideways"
            assert all(label not in ("none", '""') for label in table["labels"]), table["labels"]
        else:
            assert set(table["rows"]) == {"table-row"}, f"{page.url}: rows are not a table: {table['rows']}"


def check(session, page, name, *, axe=True):
    """The page as it is now fits the screen and passes axe-core."""
    page.wait_for_load_state("load")
    session.shot(page, name)
    assert_no_horizontal_overflow(page)
    if axe:
        assert_accessible(page, exclude=SITE_FRAME)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_organisation_buyer_checks_out_and_the_approver_decides_on_any_screen(journey, viewport):
    buyer_session = journey(f"workspaces-{viewport}-buyer")
    buyer = opened(buyer_session, viewport)
    buyer_session.login(buyer, "buyer@example.com")
    buyer.goto("/organisations/")
    check(buyer_session, buyer, "organisations")
    with buyer.expect_navigation():
        buyer.get_by_role("link", name=ORGANISATION, exact=True).click()
    organisation_pk = re.search(r"/organisations/(\d+)/", buyer.url).group(1)
    expect(buyer.locator("#quota-progress")).to_be_visible()
    check(buyer_session, buyer, "organisation")

    buyer.goto("/search/?q=蜂蜜")
    buyer.goto(buyer.locator(".product_pod h3 a").first.get_attribute("href"))
    add_to_basket(buyer)
    buyer.goto("/basket/")
    expect(buyer.locator(".quota-preview").first).to_be_visible()
    # The basket page itself is the storefront's (its own journeys run axe on it); here: it fits.
    check(buyer_session, buyer, "basket", axe=False)

    go_to_checkout(buyer)
    buyer.wait_for_url(re.compile(r"/checkout/(shipping-address|payment-method)/"))
    if "/shipping-address/" in buyer.url:
        check(buyer_session, buyer, "shipping-address")
        new_address = buyer.locator("#new_shipping_address")
        new_address.locator("[name='first_name']").fill("张晓明")
        new_address.locator("[name='phone']").fill("13800138000")
        for name, code in (("province", "360000"), ("city", "360700"), ("district", "360726")):
            select = f"#new_shipping_address select[name='{name}']"
            buyer.wait_for_selector(f"{select} option[value='{code}']", state="attached")
            buyer.select_option(select, code)
        new_address.locator("[name='line1']").fill("欣山镇幸福路1号")
        with buyer.expect_navigation():
            new_address.locator("button[type='submit']").click()
        if "/checkout/shipping-method/" in buyer.url:
            with buyer.expect_navigation():
                buyer.locator("form[action*='shipping-method'] button[type='submit']").first.click()
    buyer.wait_for_url(re.compile(r"/checkout/payment-method/"))
    check(buyer_session, buyer, "payment-method")
    choose_payment(buyer_session, buyer, "bank_transfer")

    buyer.wait_for_url(re.compile(r"/organisations/checkout/"))
    check(buyer_session, buyer, "fapiao-and-po")
    buyer.get_by_label(ORGANISATION, exact=True).check()
    purchase_order = f"PHONE-PO-{uuid.uuid4().hex[:8]}"
    buyer.select_option("select[name='purpose']", label="食堂食材")
    buyer.fill("input[name='po_reference']", purchase_order)
    with buyer.expect_navigation():
        buyer.click("#tagging-form button[type='submit']")
    expect(buyer.locator(".organisation-order-summary")).to_contain_text(purchase_order)
    check(buyer_session, buyer, "preview")
    number = place_order(buyer_session, buyer)
    # Above the demo organisation's ¥300 threshold the order waits for approval before payment;
    # otherwise the platform's account and the reference to write are shown.
    payment = buyer.locator(".order-payment").inner_text()
    assert ("审批通过后再付款" if "待审批" in payment else "转账附言") in payment, payment
    check(buyer_session, buyer, "thank-you")
    buyer.goto(f"/organisations/{organisation_pk}/orders/{number}/")
    check(buyer_session, buyer, "organisation-order")

    approver_session = journey(f"workspaces-{viewport}-approver")
    approver = opened(approver_session, viewport)
    approver_session.login(approver, "approver@example.com")
    approver.goto(f"/organisations/{organisation_pk}/approvals/")
    check(approver_session, approver, "approvals")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_seller_centre_and_county_officer_pages_fit_any_screen(journey, viewport):
    seller_session = journey(f"workspaces-{viewport}-seller")
    seller = opened(seller_session, viewport)
    seller_session.login(seller, "seller@example.com")
    for path, name in (
        ("/sellers/seller/", "seller-home"),
        ("/sellers/seller/orders/", "seller-orders"),
        ("/sellers/seller/stock/", "seller-stock"),
        ("/sellers/seller/import/", "seller-import"),
        ("/sellers/seller/certificates/", "seller-certificates"),
        ("/sellers/seller/help-sell/", "seller-help-sell"),
        ("/sellers/seller/reports/sales/", "seller-sales"),
    ):
        seller.goto(path)
        check(seller_session, seller, name)
        if name in ("seller-stock", "seller-certificates", "seller-sales"):
            assert_lists_read_as(seller, viewport)
    seller.goto("/sellers/seller/orders/?status=pending")
    ship = seller.locator(".order-line a.btn").first
    if ship.count():
        with seller.expect_navigation():
            ship.click()
        expect(seller.locator("select[name='courier']")).to_be_visible()
        check(seller_session, seller, "ship-form")

    officer_session = journey(f"workspaces-{viewport}-officer")
    officer = opened(officer_session, viewport)
    officer_session.login(officer, "officer@example.com")
    for path, name in (
        ("/sellers/county/applications/", "county-applications"),
        ("/sellers/county/sellers/", "county-sellers"),
        ("/sellers/county/certificates/", "county-certificates"),
        ("/sellers/county/sales/", "county-sales"),
    ):
        officer.goto(path)
        check(officer_session, officer, name)
        assert_lists_read_as(officer, viewport)
    officer.goto("/docking/county/")  # the demands are cards at any width
    check(officer_session, officer, "county-demands")
