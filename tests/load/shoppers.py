"""Shoppers that drive a running server over HTTP, each with its own session, as browsers do.

A browser posts a form with the CSRF token printed in it, and with Origin and Referer headers of the
page it came from; so does a Shopper (CSRF protection stays on in the server).
"""

import html
import re

import requests

ADDRESS = {
    "first_name": "张晓明",
    "phone": "13800138000",
    "province": "360000",  # 江西省
    "city": "360700",  # 赣州市
    "district": "360726",  # 安远县
    "line1": "欣山镇幸福路1号",
    "postcode": "342100",
}

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ORDER_NUMBER = re.compile(r'<p class="lead">.*?<strong>\s*(\d+)\s*</strong>', re.S)
AMOUNT_FIELD = re.compile(r'name="amount"[^>]*value="([\d.]+)"')


class CheckoutError(AssertionError):
    pass


class Shopper:
    def __init__(self, base_url: str, timeout: float = 120):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.timeout = timeout

    def get(self, path, **kwargs):
        return self.http.get(self.base_url + path, timeout=self.timeout, **kwargs)

    def submit(self, form_page: str, data=None, *, action: str | None = None, **kwargs):
        """Post a form the way a browser does: fetch its page, send back the token it shows."""
        page = self.get(form_page)
        page.raise_for_status()
        return self.post_from(page, data, action=action or form_page, **kwargs)

    def post_from(self, page, data=None, *, action: str, **kwargs):
        """Post to `action` from an already loaded page, with that page's token, Origin and Referer."""
        match = CSRF_FIELD.search(page.text)
        token = html.unescape(match.group(1)) if match else self.http.cookies.get("csrftoken", "")
        headers = {"Origin": self.base_url, "Referer": page.url}
        return self.http.post(
            self.base_url + action,
            data={**(data or {}), "csrfmiddlewaretoken": token},
            headers=headers,
            timeout=self.timeout,
            **kwargs,
        )

    def log_in(self, email: str, password: str):
        response = self.submit(
            "/accounts/login/", {"login-username": email, "login-password": password, "login_submit": "1"}
        )
        if "/accounts/login/" in response.url:
            raise CheckoutError(f"{email} could not log in (HTTP {response.status_code})")
        return response

    def add_to_basket(self, product: dict, quantity: int = 1):
        page = self.get(product["url"])
        page.raise_for_status()
        response = self.post_from(page, {"quantity": quantity}, action=f"/basket/add/{product['id']}/")
        response.raise_for_status()
        return response

    def prepare_checkout(self, method: str = "bank_transfer", tagging: dict | None = None):
        """Shipping address → payment method (→ organisation tagging) → the preview, order not placed."""
        self.get("/checkout/").raise_for_status()
        self.submit("/checkout/shipping-address/", ADDRESS).raise_for_status()
        response = self.submit("/checkout/payment-method/", {"method": method})
        response.raise_for_status()
        if tagging is not None or "/organisations/checkout/" in response.url:
            response = self.submit("/organisations/checkout/", tagging or {"buy_for": "personal"})
            response.raise_for_status()
        if not response.url.endswith("/checkout/preview/"):
            raise CheckoutError(f"expected the preview, got {response.url}")
        return response

    def place_order(self, preview=None):
        """Press 'place order' on the preview page; returns the final response (redirects followed)."""
        preview = preview or self.get("/checkout/preview/")
        return self.post_from(preview, {"action": "place_order"}, action="/checkout/preview/")


def order_number_shown(response) -> str | None:
    """The order number on the confirmation page, or None if this is not one."""
    if "/checkout/thank-you/" not in response.url:
        return None
    match = ORDER_NUMBER.search(response.text)
    return match.group(1) if match else None
