"""Journey 3: a seller lists a product with a photo and a certificate, staff approve it, a customer buys it,
the seller ships it with a tracking number and the customer sees the shipment in their order history.
"""

import datetime
import re
import uuid

import pytest
from PIL import Image, ImageDraw

from shop.core import dates
from tests.e2e.steps import add_to_basket, choose_payment, go_to_checkout, place_order, ship_to_an_address

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect

SELLER = "安远县橙乡脐橙专业合作社"  # seller@example.com's cooperative


def orange_photo(path):
    """A real little JPEG: an orange on a green background."""
    image = Image.new("RGB", (480, 360), (46, 125, 50))
    ImageDraw.Draw(image).ellipse((140, 80, 340, 280), fill=(245, 140, 20))
    image.save(path, "JPEG", quality=85)
    return path


def certificate_scan(path):
    image = Image.new("RGB", (600, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 580, 380), outline=(200, 0, 0), width=6)
    draw.text((60, 60), "CERTIFICATE E2E", fill="black")
    image.save(path, "PNG")
    return path


def test_seller_lists_certifies_and_ships_and_the_customer_sees_the_tracking_number(journey, tmp_path):
    suffix = uuid.uuid4().hex[:6]
    title = f"安远脐橙 E2E尝鲜装 {suffix}"
    certificate_number = f"XFBF-360726-E2E-{suffix}"
    tracking_number = f"SF{uuid.uuid4().int % 10**13:013d}"
    today = dates.now().date()

    seller_session = journey("journey3-seller")
    seller = seller_session.new_page()
    seller_session.login(seller, "seller@example.com")

    # A new product in Oscar's dashboard, with a photo, an origin county and stock.
    seller.goto("/dashboard/catalogue/")
    seller.select_option("#create_product_with_class_form select[name='product_class']", label="农特产品")
    with seller.expect_navigation():
        seller.click("#create_product_with_class_form button[type='submit']")
    form = seller.locator("#create_update_product_form")
    form.locator("input[name='title']").fill(title)
    form.locator("input[name='upc']").fill(f"E2E{suffix}")
    seller.frame_locator("#id_description_ifr").locator("body").fill("安远县果园直发，单果 75-80mm。")
    form.locator("select[name='origin_county']").select_option(label="安远县")
    seller.click("a[href='#product_category']")
    form.locator("select[name='productcategory_set-0-category']").select_option(label="新鲜水果")
    seller.click("a[href='#product_images']")
    form.locator("input[name='images-0-original']").set_input_files(orange_photo(tmp_path / "orange.jpg"))
    seller.click("a[href='#product_stock']")
    form.locator("select[name='stockrecords-0-partner']").select_option(label=SELLER)
    form.locator("input[name='stockrecords-0-partner_sku']").fill(f"E2E-{suffix}")
    form.locator("input[name='stockrecords-0-num_in_stock']").fill("40")
    form.locator("input[name='stockrecords-0-price']").fill("39.90")
    seller_session.shot(seller, "new-product")
    with seller.expect_navigation():
        seller.click("button[name='action'][value='save']")
    expect(seller.locator(".alert-success")).to_contain_text(title)
    product_url = seller.locator(".alert-success a[href^='/catalogue/']").get_attribute("href")
    seller_session.shot(seller, "product-saved")

    seller.goto(product_url)
    photo = seller.locator(".product_page img, #product_gallery img").first
    expect(photo).to_be_visible()
    assert photo.evaluate("image => image.complete && image.naturalWidth > 0"), "the uploaded photo is served"
    expect(seller.locator(".not-certified")).to_be_visible()

    # A certificate for it.
    seller.goto("/sellers/seller/certificates/new/")
    seller.select_option("select[name='product']", label=title)
    seller.fill("input[name='number']", certificate_number)
    seller.fill("input[name='issuing_authority']", "安远县乡村振兴局")
    seller.fill("input[name='issue_date']", (today - datetime.timedelta(days=7)).isoformat())
    seller.fill("input[name='expiry_date']", (today + datetime.timedelta(days=365)).isoformat())
    seller.set_input_files("input[name='scan']", certificate_scan(tmp_path / "certificate.png"))
    seller_session.shot(seller, "certificate-form")
    with seller.expect_navigation():
        seller.click("form:has(input[name='scan']) button[type='submit']")
    expect(seller.locator("table tr", has_text=certificate_number)).to_contain_text("待审核")
    seller_session.shot(seller, "certificate-submitted")

    # Staff approve it in the dashboard's review queue.
    staff_session = journey("journey3-staff")
    staff = staff_session.new_page()
    staff_session.login(staff, "staff@example.com")
    staff.goto("/dashboard/")
    staff.get_by_role("button", name="卖家审核").click()
    with staff.expect_navigation():
        staff.get_by_role("link", name="证书审核队列").click()
    with staff.expect_navigation():
        staff.locator("tr", has_text=certificate_number).get_by_role("link", name="审核").click()
    staff.check("input[name='decision'][value='approve']")
    staff_session.shot(staff, "certificate-review")
    with staff.expect_navigation():
        staff.click("form:has(input[name='decision']) button[type='submit']")
    expect(staff.locator("table")).not_to_contain_text(certificate_number)

    # The shop shows the badge and the certificate, to anyone.
    customer_session = journey("journey3-customer")
    customer = customer_session.new_page()
    customer.goto(product_url)
    expect(customer.locator(".certified-badge").first).to_be_visible()
    expect(customer.locator("table.certificate-details")).to_contain_text(certificate_number)
    customer_session.shot(customer, "certified-in-the-shop")

    # A new customer signs up and orders it, paying on delivery.
    customer.goto("/accounts/login/")
    customer.fill("input[name='registration-email']", f"e2e-{suffix}@example.com")
    customer.fill("input[name='registration-password1']", f"Orange-{suffix}-2026")
    customer.fill("input[name='registration-password2']", f"Orange-{suffix}-2026")
    with customer.expect_navigation():
        customer.click("button[name='registration_submit']")
    expect(customer.locator(".alert-success").first).to_be_visible()
    customer.goto(product_url)
    add_to_basket(customer)
    go_to_checkout(customer)
    ship_to_an_address(customer_session, customer)
    choose_payment(customer_session, customer, "cash_on_delivery")
    number = place_order(customer_session, customer)

    # The seller ships it.
    seller.goto("/sellers/seller/orders/?status=pending")
    line = seller.locator(".order-line", has_text=number)
    expect(line).to_contain_text(title)
    seller_session.shot(seller, "order-to-ship")
    with seller.expect_navigation():
        line.get_by_role("link").click()
    seller.get_by_label(re.compile(re.escape(title))).check()
    seller.select_option("select[name='courier']", "sf")
    seller.fill("input[name='tracking_number']", tracking_number)
    seller_session.shot(seller, "ship-form")
    with seller.expect_navigation():
        seller.click("form:has(input[name='tracking_number']) button[type='submit']")
    expect(seller.locator(".order-line", has_text=number)).to_contain_text(tracking_number)
    seller_session.shot(seller, "shipped")

    # The customer sees the status and the tracking number.
    customer.goto("/accounts/orders/")
    with customer.expect_navigation():
        customer.get_by_role("link", name=number).first.click()
    shipment = customer.locator(".order-shipments tr", has_text=title)
    expect(shipment.locator(".tracking-number")).to_have_text(tracking_number)
    expect(shipment).to_contain_text("已发货")
    expect(shipment).to_contain_text("顺丰速运")
    customer_session.shot(customer, "order-history-tracking")
