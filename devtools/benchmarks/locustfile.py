"""A shopper mix for the live run: browse, search, view products, add to basket.

Anonymous shoppers with cookies, or (BENCH_VISITORS=signed_in) each user signed in through the login
form as one of the generated consumers, so that no page comes from the anonymous page cache.
Reads the URLs to visit from the JSON file named by BENCH_URLS_FILE (written by run_benchmarks).
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

URLS = json.loads(open(os.environ["BENCH_URLS_FILE"], encoding="utf-8").read())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGNED_IN = os.environ.get("BENCH_VISITORS") == "signed_in"
PASSWORD = "Load-2026!"  # devtools/loadgen/generate.py
CONSUMERS = itertools.count(1)


class Shopper(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self):
        if not SIGNED_IN:
            return
        email = f"consumer{next(CONSUMERS)}@loadgen.example"
        page = self.client.get("/accounts/login/", name="login page")
        match = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "login-username": email,
                "login-password": PASSWORD,
                "login_submit": "1",
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {email} failed: {response.status_code}")

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def category(self):
        self.client.get(random.choice(URLS["categories"]), name="category")

    @task(2)
    def filtered_catalogue(self):
        self.client.get(random.choice(URLS["filtered"]), name="catalogue filtered")

    @task(6)
    def product(self):
        self.client.get(random.choice(URLS["products"]), name="product")

    @task(2)
    def search(self):
        self.client.get(URLS["search"] + "?q=" + random.choice(URLS["search_words"]), name="search")

    @task(1)
    def add_to_basket(self):
        index = random.randrange(len(URLS["products"]))
        page = self.client.get(URLS["products"][index], name="product")
        match = CSRF.search(page.text)
        token = match.group(1) if match else self.client.cookies.get("csrftoken", "")
        self.client.post(
            URLS["basket_add"][index],
            {"quantity": 1, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + URLS["products"][index]},
            name="basket add",
            allow_redirects=False,
        )
