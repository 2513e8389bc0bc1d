"""The storefront on a 390 × 844 phone and on a desktop: first screens, the filter drawer, load more, the
product page's buy bar and certificate sheet, buying now; accessible and never wider than the screen."""

import re

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, DESKTOP, PHONE
from tests.e2e.page_checks import assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect


def in_first_screen(page, locator) -> bool:
    """The element lies wholly inside the viewport as the page opened (no scrolling)."""
    assert page.evaluate("() => window.scrollY") == 0
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and (box["x"] + box["width"] <= size["width"])
    )


def check(page):
    assert_no_horizontal_overflow(page)
    assert_accessible(page)


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_storefront_first_screens_filters_load_more_and_buy_now(journey, screen):
    phone = screen == PHONE
    shopper = journey(f"storefront-{'phone' if phone else 'desktop'}", viewport=screen)
    page = shopper.new_page()

    # Home: the search box, the help-sell entry.
    page.goto("/")
    expect(page.locator(".site-search input[name='q']")).to_be_visible()
    expect(page.locator("a.home-help-sell")).to_be_visible()
    check(page)
    shopper.shot(page, "home")

    # A category: its first product card is on the first screen.
    category_link = page.locator(".site-menu__group a[href^='/catalogue/category/']").first
    category_url = category_link.get_attribute("href")
    page.goto(category_url)
    first_card = page.locator(".product_pod").first
    expect(first_card).to_be_visible()
    assert in_first_screen(page, first_card), first_card.bounding_box()
    if phone:
        tab = page.locator(".tab-bar a[aria-current='page']")
        expect(tab).to_have_text("分类")
    check(page)
    shopper.shot(page, "category")

    # Filters: on a phone in a drawer from the sticky bar; applied ones show as removable chips.
    if phone:
        page.locator(".filter-bar__open").click()
        expect(page.locator("#filters")).to_be_visible()
        check(page)
        shopper.shot(page, "filter-drawer")
    with page.expect_navigation(url=re.compile(r"certified=1")):
        page.click("label[for='filter-certified']")
    chip = page.locator(".filter-chip", has_text="只看认定帮扶产品")
    expect(chip).to_be_visible()
    pods = page.locator(".product_pod")
    expect(pods.filter(has=page.locator(".certified-badge"))).to_have_count(pods.count())
    with page.expect_navigation():
        chip.click()
    assert "certified" not in page.url
    expect(page.locator(".filter-chip")).to_have_count(0)

    # All products: load more appends the next page and keeps the address shareable.
    page.goto("/catalogue/")
    expect(page.locator(".product_pod")).to_have_count(24)
    page.locator("[data-load-more]").click()
    expect(page.locator(".product_pod")).to_have_count(48)
    page.wait_for_url(re.compile(r"page=2"))
    assert_no_horizontal_overflow(page)

    # Search from the header.
    page.fill(".site-search input[name='q']", "脐橙")
    with page.expect_navigation(url=re.compile(r"/search/\?")):
        page.keyboard.press("Enter")
    expect(page.locator(".product_pod").first).to_be_visible()
    check(page)
    shopper.shot(page, "search")

    # The product page: the buy bar without scrolling, the certificate in a sheet.
    product_link = page.locator(".product_pod:has(.certified-badge) h3 a").first
    title = product_link.inner_text().strip()
    with page.expect_navigation():
        product_link.click()
    expect(page.locator("h1")).to_have_text(title)
    buy_now = page.get_by_role("button", name="立即购买")
    assert in_first_screen(page, buy_now), buy_now.bounding_box()
    assert in_first_screen(page, page.get_by_role("button", name="加入购物车"))
    check(page)
    shopper.shot(page, "product")
    page.get_by_role("button", name="查看证书").click()
    expect(page.locator("#certificate-sheet table.certificate-details")).to_be_visible()
    assert_accessible(page)
    shopper.shot(page, "certificate-sheet")
    page.locator("#certificate-sheet button.sheet__close").click()

    # 立即购买 with two: log in, then straight on to the checkout with both in the basket.
    page.get_by_role("button", name="增加一件").click()
    expect(page.locator("#id_quantity")).to_have_value("2")
    with page.expect_navigation(url=re.compile(r"/accounts/login/")):
        buy_now.click()
    page.fill("input[name='login-username']", "consumer@example.com")
    page.fill("input[name='login-password']", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[name='login_submit']")
    page.goto("/basket/")
    line = page.locator("#basket_formset .basket-items").filter(has_text=title)
    assert int(line.locator("input[name$='-quantity']").input_value()) >= 2  # merged with any earlier basket
    if phone:
        expect(page.locator(".tab-bar a[aria-current='page']")).to_contain_text("购物车")
    check(page)
    shopper.shot(page, "basket")
    with page.expect_navigation(url=re.compile(r"/checkout/")):
        page.locator("a[href='/checkout/']").first.click()
    assert_no_horizontal_overflow(page)

    # The account menu offers nothing a consumer may not open.
    page.goto("/")
    page.locator(".site-menu summary").click()
    expect(page.locator(".site-menu__account")).to_contain_text("我的订单")
    expect(page.locator(".workspace-link")).to_have_count(0)
    assert_no_horizontal_overflow(page)
