"""The load run's customers: browse, search, view products, fill baskets and check out (locust, headless).

Started by tests/load/test_load_run.py. Reads the seeded shop from LOAD_WORLD_FILE; appends every
order number a customer was shown, with what that customer had put in the basket, to
LOAD_ORDERS_FILE (JSON lines); writes the run's figures to LOAD_SUMMARY_FILE when it stops.
Customers (and their baskets) are one account each; one staff member records the bank transfers
of organisation orders as they come in, so quotas move during the run.
"""

import datetime
import html
import json
import os
import random
import re

from locust import HttpUser, between, events, task
from locust.exception import StopUser

WORLD = json.loads(open(os.environ["LOAD_WORLD_FILE"], encoding="utf-8").read())
ORDERS_FILE = os.environ["LOAD_ORDERS_FILE"]
SUMMARY_FILE = os.environ["LOAD_SUMMARY_FILE"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ORDER_NUMBER = re.compile(r'<p class="lead">.*?<strong>\s*(\d+)\s*</strong>', re.S)
PAID_ON_FIELD = re.compile(r'name="paid_on"[^>]*value="([\d-]+)"')
AWAITING_ROW = re.compile(r"<tr><td>(\d+)</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>")
AMOUNT_FIELD = re.compile(r'name="amount"[^>]*value="([\d.]+)"')
ADDRESS = {
    "first_name": "张晓明",
    "phone": "13800138000",
    "province": "360000",  # 江西省
    "city": "360700",  # 赣州市
    "district": "360726",  # 安远县
    "line1": "欣山镇幸福路1号",
    "postcode": "342100",
}
_accounts = {
    "consumer": list(WORLD["consumers"]),
    "buyer": [(email, org["id"]) for org in WORLD["organisations"] for email in org["buyers"]],
}
server_errors = 0


@events.request.add_listener
def _count_server_errors(response=None, exception=None, **kwargs):
    global server_errors
    if response is not None and response.status_code >= 500:
        server_errors += 1


@events.quitting.add_listener
def _write_summary(environment, **kwargs):
    stats = environment.stats
    total = stats.total
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "server_errors": server_errors,
        "rps": round(total.total_rps, 2),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "max_ms": round(total.max_response_time or 0),
        "errors": [
            {"name": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
        "endpoints": {
            name: {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
            }
            for (name, _method), entry in sorted(stats.entries.items())
        },
    }
    with open(SUMMARY_FILE, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=2)


class Customer(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    kind = ""

    def on_start(self):
        if not _accounts[self.kind]:
            raise StopUser()  # every simulated customer is one account with one basket
        account = _accounts[self.kind].pop()
        self.email, self.organisation = account if isinstance(account, tuple) else (account, None)
        self.basket = {}
        self.placed = 0
        log_in(self, self.email)

    def post_form(self, page, action, data, name):
        """Post as a browser does: the token from the page, Origin and Referer of the page."""
        match = CSRF_FIELD.search(page.text)
        token = html.unescape(match.group(1)) if match else self.client.cookies.get("csrftoken", "")
        return self.client.post(
            action,
            data={**data, "csrfmiddlewaretoken": token},
            name=name,
            headers={"Origin": self.host, "Referer": page.url},
        )

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def category(self):
        self.client.get(random.choice(WORLD["categories"]), name="category")

    @task(3)
    def search(self):
        self.client.get(
            WORLD["search_url"], params={"q": random.choice(WORLD["search_words"])}, name="search"
        )

    @task(4)
    def product(self):
        self.client.get(random.choice(WORLD["catalogue"])["url"], name="product")

    @task(1)
    def view_basket(self):
        self.client.get(WORLD["basket_url"], name="basket")

    @task(3)
    def add_to_basket(self, product=None):
        product = product or random.choice(WORLD["catalogue"])
        quantity = random.randint(1, 3)
        page = self.client.get(product["url"], name="product")
        response = self.post_form(page, f"/basket/add/{product['id']}/", {"quantity": quantity}, "basket add")
        if response.ok:
            self.basket[product["id"]] = self.basket.get(product["id"], 0) + quantity

    @task(2)
    def checkout(self):
        if not self.basket:
            self.add_to_basket()
        lines = dict(self.basket)
        page = self.client.get("/checkout/shipping-address/", name="checkout address")
        self.post_form(page, "/checkout/shipping-address/", ADDRESS, "checkout address")
        page = self.client.get("/checkout/payment-method/", name="checkout payment method")
        response = self.post_form(
            page, "/checkout/payment-method/", {"method": self.payment_method()}, "checkout payment method"
        )
        if "/organisations/checkout/" in response.url:
            response = self.post_form(
                response, "/organisations/checkout/", self.tagging(), "checkout organisation"
            )
        placed = self.post_form(response, "/checkout/preview/", {"action": "place_order"}, "place order")
        match = ORDER_NUMBER.search(placed.text) if "/checkout/thank-you/" in placed.url else None
        if match is None:
            report_failure(
                "order confirmation", f"no confirmation after placing the order (ended at {placed.url})"
            )
            return
        self.basket = {}
        self.placed += 1
        with open(ORDERS_FILE, "a", encoding="utf-8") as handle:
            handle.write(
                json.dumps(
                    {
                        "number": match.group(1),
                        "email": self.email,
                        "lines": lines,
                        "organisation": self.organisation if self.for_organisation else None,
                    }
                )
                + "\n"
            )

    def payment_method(self):
        return "bank_transfer"

    def tagging(self):
        return {"buy_for": "personal"}


class Consumer(Customer):
    weight = 3
    kind = "consumer"

    def payment_method(self):
        return random.choice(["cash_on_delivery", "cash_on_delivery", "bank_transfer"])


class InstitutionalBuyer(Customer):
    weight = 1
    kind = "buyer"

    def on_start(self):
        super().on_start()
        # An order early in the run with a certified product from a poverty county, so that its
        # payment, and the organisation's quota, can follow within a short run.
        self.add_to_basket(WORLD["catalogue"][0])
        self.checkout()

    def tagging(self):
        self.for_organisation = self.placed == 0 or random.random() < 0.8
        if not self.for_organisation:
            return {"buy_for": "personal"}
        return {
            "buy_for": str(self.organisation),
            "fapiao_title": f"负载测试单位{self.organisation}",
            **WORLD["tagging"],
        }


Customer.for_organisation = False


class Staff(HttpUser):
    """Records the bank transfers awaiting payment, organisations' first, newest first, as staff do."""

    fixed_count = 1
    wait_time = between(1, 2)

    def on_start(self):
        log_in(self, WORLD["staff"])

    @task
    def record_a_payment(self):
        listing = self.client.get("/dashboard/institutions/payments/", name="dashboard payments")
        rows = AWAITING_ROW.findall(listing.text)
        if not rows:
            return
        number = min(rows, key=lambda row: row[1] == "—")[0]  # an organisation's order when there is one
        url = f"/dashboard/institutions/payments/{number}/"
        page = self.client.get(url, name="dashboard record payment")
        amount = AMOUNT_FIELD.search(page.text)
        paid_on = PAID_ON_FIELD.search(page.text)
        token = CSRF_FIELD.search(page.text)
        self.client.post(
            url,
            name="dashboard record payment",
            data={
                "amount": amount.group(1) if amount else "0",
                "paid_on": paid_on.group(1) if paid_on else datetime.date.today().isoformat(),
                "reference": f"LOAD-{number}",
                "csrfmiddlewaretoken": html.unescape(token.group(1)) if token else "",
            },
            headers={"Origin": self.host, "Referer": page.url},
        )


def log_in(user, email):
    page = user.client.get("/accounts/login/", name="login")
    token = CSRF_FIELD.search(page.text)
    response = user.client.post(
        "/accounts/login/",
        name="login",
        data={
            "login-username": email,
            "login-password": WORLD["password"],
            "login_submit": "1",
            "csrfmiddlewaretoken": html.unescape(token.group(1)) if token else "",
        },
        headers={"Origin": user.host, "Referer": page.url},
    )
    if "/accounts/login/" in response.url:
        report_failure("login", f"{email} could not log in")
        raise StopUser()


def report_failure(name, message):
    """Count a check that failed (not an HTTP error) among the run's failures."""
    events.request.fire(
        request_type="CHECK",
        name=name,
        response_time=0,
        response_length=0,
        exception=AssertionError(message),
        context={},
    )
