"""One endpoint at full speed, for the capacity runs (live.capacity): no think time, no cookie jar.

Reads the plan from the JSON file named by BENCH_CAPACITY_FILE: the endpoint's name, its URLs and, for
signed-in visitors, one session cookie per user (signed in before the run, one product in the basket).
Anonymous users send no cookie at all, as a first visit does; signed-in users send only their session.
FastHttpUser keeps locust's own CPU low, which matters on a machine it shares with gunicorn.
"""

import itertools
import json
import os
import random

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(open(os.environ["BENCH_CAPACITY_FILE"], encoding="utf-8").read())
COOKIES = itertools.cycle(PLAN["cookies"] or [None])


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        cookie = next(COOKIES)
        self.headers = {"Cookie": cookie} if cookie else {}

    @task
    def visit(self):
        self.client.cookiejar.clear()  # whatever the site set (CSRF token, messages) is not sent back
        self.client.get(random.choice(PLAN["urls"]), name=PLAN["endpoint"], headers=self.headers)
