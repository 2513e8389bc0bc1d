"""Shoppers that drive a running server over HTTP, each with its own session, as browsers do."""

import requests
from django.test import Client

ADDRESS = {
    "first_name": "晓明",
    "last_name": "张",
    "line1": "朝阳区建国路88号",
    "line4": "北京",
    "state": "北京市",
    "postcode": "100022",
    "country": "CN",
    "phone_number": "+8613800138000",
}


class Shopper:
    def __init__(self, base_url: str, user=None, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.timeout = timeout
        if user is not None:
            client = Client()
            client.force_login(user)  # a real session row, shared with the server through the database
            self.http.cookies.set("sessionid", client.cookies["sessionid"].value)
        self.get("/accounts/login/")  # sets the CSRF cookie

    def get(self, path, **kwargs):
        return self.http.get(self.base_url + path, timeout=self.timeout, **kwargs)

    def post(self, path, data=None, **kwargs):
        data = dict(data or {})
        data["csrfmiddlewaretoken"] = self.http.cookies.get("csrftoken", "")
        headers = {"Referer": self.base_url + path, "X-CSRFToken": data["csrfmiddlewaretoken"]}
        return self.http.post(
            self.base_url + path, data=data, headers=headers, timeout=self.timeout, **kwargs
        )

    def prepare_checkout(self, product_pk: int, quantity: int = 1, method: str = "bank_transfer"):
        """Basket → shipping address → payment method, stopping at the preview (order not placed)."""
        self.post(f"/basket/add/{product_pk}/", {"quantity": quantity}).raise_for_status()
        self.get("/checkout/").raise_for_status()
        self.post("/checkout/shipping-address/", ADDRESS).raise_for_status()
        response = self.post("/checkout/payment-method/", {"method": method})
        response.raise_for_status()
        assert response.url.endswith("/checkout/preview/"), response.url
        return response

    def place_order(self):
        return self.post("/checkout/preview/", {"action": "place_order"})
