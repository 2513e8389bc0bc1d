"""Steps several journeys share: adding to the basket and going through the checkout."""

import re

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect

CHECKOUT_STEP = re.compile(
    r"/checkout/(shipping-address|shipping-method|payment-method|preview)/|/organisations/checkout/"
)
ADDRESS = {
    "first_name": "张晓明",
    "phone": "13800138000",
    "line1": "欣山镇幸福路1号",
    "postcode": "342100",
}
# 省/市/区 chosen one after another: each choice loads the next list (static/aidmarket/address.js).
REGIONS = (("province", "360000"), ("city", "360700"), ("district", "360726"))  # 江西省 赣州市 安远县


def add_to_basket(page):
    """On a product page: add one to the basket (the buy bar's 加入购物车) and wait for the shop to confirm."""
    with page.expect_navigation():
        page.locator("#add_to_basket_form button.buy-bar__add").click()
    expect(page.locator(".alert-success").first).to_be_visible()


def set_quantity(page, title, quantity):
    """In the basket: change the quantity of the line showing this title (Oscar posts it in the background)."""
    line = page.locator("#basket_formset .basket-items").filter(has_text=title)
    line.locator("input[name$='-quantity']").fill(str(quantity))
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/basket/" in response.url
    ):
        line.locator("button[type='submit']").click()
    expect(
        page.locator("#basket_formset .basket-items")
        .filter(has_text=title)
        .locator("input[name$='-quantity']")
    ).to_have_value(str(quantity))


def go_to_checkout(page):
    """From anywhere: open the basket and start the checkout."""
    page.goto("/basket/")
    with page.expect_navigation():
        page.locator("a[href='/checkout/']").first.click()


def ship_to_an_address(shopper, page):
    """On the shipping-address step: an existing address if the customer has one, else a new one."""
    page.wait_for_url(CHECKOUT_STEP)
    if "/checkout/shipping-address/" not in page.url:
        return
    existing = page.locator("button.ship-address")
    with page.expect_navigation():
        if existing.count():
            existing.first.click()
        else:
            for name, value in ADDRESS.items():
                page.fill(f"#new_shipping_address [name='{name}']", value)
            for name, code in REGIONS:
                select = f"#new_shipping_address select[name='{name}']"
                page.wait_for_selector(f"{select} option[value='{code}']", state="attached")
                page.select_option(select, code)
            shopper.shot(page, "shipping-address")
            page.click("#new_shipping_address button[type='submit']")
    page.wait_for_url(CHECKOUT_STEP)
    if "/checkout/shipping-method/" in page.url:
        with page.expect_navigation():
            page.locator("form[action*='shipping-method'] button[type='submit']").first.click()


def choose_payment(shopper, page, method):
    """On the payment-method step: pick an offline method (bank_transfer or cash_on_delivery)."""
    page.wait_for_url(re.compile(r"/checkout/payment-method/"))
    page.check(f"input[name='method'][value='{method}']")
    shopper.shot(page, "payment-method")
    with page.expect_navigation():
        page.click("#continue-to-preview")


def place_order(shopper, page) -> str:
    """On the preview: place the order; returns the number the confirmation page shows."""
    page.wait_for_url(re.compile(r"/checkout/preview/"))
    shopper.shot(page, "preview")
    with page.expect_navigation():
        page.click("#place-order")
    page.wait_for_url(re.compile(r"/checkout/thank-you/"))
    number = page.locator("p.lead strong").first
    expect(number).to_have_text(re.compile(r"\S+"))
    shopper.shot(page, "confirmation")
    return number.inner_text().strip()
