"""Journey 1: a consumer finds a certified product, buys it and sees the order in their history."""

import re

import pytest

pytestmark = pytest.mark.slow


def test_consumer_searches_filters_certified_buys_and_sees_the_order(journey):
    shopper = journey("journey1-consumer")
    page = shopper.new_page()

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shopper.shot(page, "home")

    page.fill("input[name='q']", "脐橙")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    assert page.locator(".product_pod, article").count() > 0
    shopper.shot(page, "search")

    page.click("label[for='filter-certified']")  # ticking the box submits the filter form
    page.wait_for_url(re.compile(r"certified=1"))
    assert page.locator(".certified-badge").count() > 0
    shopper.shot(page, "certified-only")

    product_link = page.locator(".product_pod h3 a, article h3 a").first
    title = product_link.inner_text().strip()
    product_link.click()
    page.wait_for_load_state()
    assert page.locator(".certified-badge").count() >= 1
    certificate = page.locator("table.certificate-details")
    assert certificate.is_visible()
    assert re.search(r"\S+", certificate.locator("td").first.inner_text())  # the certificate number
    shopper.shot(page, "product")

    page.click("#add_to_basket_form button[type='submit']")
    page.wait_for_load_state()
    page.goto("/basket/")
    assert title[:6] in page.content()
    shopper.shot(page, "basket")

    page.click("a[href='/checkout/']")  # the shop asks a guest to log in first
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name='login-username']", "consumer@example.com")
    page.fill("input[name='login-password']", "Demo-2026!")
    page.click("button[name='login_submit']")
    page.wait_for_load_state()
    if "/basket/" in page.url:  # logging in merged the baskets: go on to the checkout
        page.click("a[href='/checkout/']")
    page.wait_for_url(re.compile(r"/checkout/"))

    if "/checkout/shipping-address/" in page.url:
        existing = page.locator("form.ship-to-address button[type='submit'], button.ship-address")
        if existing.count():
            existing.first.click()
        else:
            page.fill("input[name='first_name']", "晓明")
            page.fill("input[name='last_name']", "张")
            page.fill("input[name='line1']", "朝阳区建国路88号")
            page.fill("input[name='line4']", "北京")
            page.fill("input[name='state']", "北京市")
            page.fill("input[name='postcode']", "100022")
            page.fill("input[name='phone_number']", "+8613800138000")
            if page.locator("select[name='country']").count():
                page.select_option("select[name='country']", "CN")
            shopper.shot(page, "shipping-address")
            page.click("#new_shipping_address button[type='submit']")
        page.wait_for_load_state()
    if "/checkout/shipping-method/" in page.url:
        page.locator("form[action*='shipping-method'] button[type='submit']").first.click()
        page.wait_for_load_state()
    page.wait_for_url(re.compile(r"/checkout/payment-method/"))
    page.check("input[value='bank_transfer']")
    shopper.shot(page, "payment-method")
    page.locator("form:has(input[value='bank_transfer']) button[type='submit']").click()
    page.wait_for_url(re.compile(r"/checkout/preview/"))
    shopper.shot(page, "preview")

    page.click("#place-order")
    page.wait_for_url(re.compile(r"/checkout/thank-you/"))
    number = re.search(r"\b(\d{6,})\b", page.locator("body").inner_text())
    assert number, "the confirmation shows the order number"
    shopper.shot(page, "confirmation")

    page.goto("/accounts/orders/")
    assert number.group(1) in page.content()
    shopper.shot(page, "order-history")
