"""Journey 1: a consumer finds a certified product, buys it and sees the order in their history; back on
the home page, signed in, on a phone, the product is offered again among those recently viewed."""

import re

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, PHONE
from tests.e2e.page_checks import assert_no_horizontal_overflow
from tests.e2e.steps import add_to_basket, choose_payment, place_order, ship_to_an_address

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect


def test_consumer_searches_filters_certified_buys_and_sees_the_order(journey):
    shopper = journey("journey1-consumer")
    page = shopper.new_page()

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    shopper.shot(page, "home")

    page.fill("input[name='q']", "脐橙")
    with page.expect_navigation(url=re.compile(r"/search/\?")):
        page.keyboard.press("Enter")
    expect(page.locator(".product_pod").first).to_be_visible()
    shopper.shot(page, "search")

    with page.expect_navigation(url=re.compile(r"certified=1")):
        page.click("label[for='filter-certified']")  # ticking the box submits the filter form
    pods = page.locator(".product_pod")
    expect(pods.first).to_be_visible()
    expect(pods.filter(has=page.locator(".certified-badge"))).to_have_count(pods.count())
    shopper.shot(page, "certified-only")

    product_link = pods.first.locator("h3 a")
    title = product_link.inner_text().strip()
    with page.expect_navigation():
        product_link.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".certified-badge").first).to_be_visible()
    page.get_by_role("button", name="查看证书").click()  # the certificate opens in a sheet
    certificate = page.locator("table.certificate-details")
    expect(certificate).to_be_visible()
    expect(certificate.locator("td").first).to_have_text(re.compile(r"\S+"))  # the certificate number
    shopper.shot(page, "product")
    page.locator("#certificate-sheet button.sheet__close").click()
    expect(certificate).to_be_hidden()

    add_to_basket(page)
    page.goto("/basket/")
    expect(page.locator("#basket_formset")).to_contain_text(title)
    shopper.shot(page, "basket")

    with page.expect_navigation(url=re.compile(r"/accounts/login/")):  # a guest is asked to log in first
        page.locator("a[href='/checkout/']").first.click()
    page.fill("input[name='login-username']", "consumer@example.com")
    page.fill("input[name='login-password']", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[name='login_submit']")
    if "/basket/" in page.url:  # logging in merged the baskets: go on to the checkout
        with page.expect_navigation():
            page.locator("a[href='/checkout/']").first.click()

    ship_to_an_address(shopper, page)
    choose_payment(shopper, page, "bank_transfer")
    expect(page.locator("body")).to_contain_text(title)
    number = place_order(shopper, page)

    page.goto("/accounts/orders/")
    expect(page.locator("table")).to_contain_text(number)
    shopper.shot(page, "order-history")
    with page.expect_navigation():
        page.get_by_role("link", name=number).first.click()
    expect(page.locator(".order-shipments")).to_contain_text(title)
    shopper.shot(page, "order-detail")

    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.locator(".recently-viewed")).to_contain_text(title)
    assert_no_horizontal_overflow(page)
    shopper.shot(page, "home-recently-viewed")
