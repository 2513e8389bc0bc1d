"""In-process measurements: SQL query count and server time per page, with a cold and a warm cache."""

import math
import statistics
import time
from dataclasses import asdict, dataclass

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from devtools.benchmarks.pages import Scenario, StepFailed, Unavailable, sign_in


@dataclass
class Measurement:
    page: str
    products: int
    cache: str  # "cold" (cache emptied before every request) or "warm"
    visitor: str = "anonymous"  # or a signed-in visitor of pages.VISITORS (storefront pages)
    queries: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    requests: int = 0
    note: str = ""

    def as_dict(self):
        return asdict(self)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(
    scenario: Scenario,
    *,
    products: int,
    cache_state: str,
    requests: int = 30,
    warmup: int = 3,
    profile_to: str | None = None,
    visitor: str = "anonymous",
) -> Measurement:
    """Run one page `requests` times after warming up; cold empties the cache before each request.

    A signed-in `visitor` keeps its cookies (session, basket) between requests, so it never gets the
    anonymous page cache; "cold" then also empties the shared fragments it would otherwise reuse."""
    result = Measurement(scenario.name, products, cache_state, visitor=visitor)
    client = Client()
    anonymous = scenario.anonymous and visitor == "anonymous"
    try:
        if visitor != "anonymous":
            sign_in(client, visitor)
        state = scenario.setup(client)
        # Warm-up primes connections, templates and (warm runs) every URL the scenario cycles through.
        for _ in range(max(warmup, state.get("count", 1) if cache_state == "warm" else warmup)):
            if anonymous:
                client.cookies.clear()
            scenario.step(client, state)
        if cache_state == "cold":
            _empty_caches()
        if anonymous:
            client.cookies.clear()
        with CaptureQueriesContext(connection) as queries:
            scenario.step(client, state)
        result.queries = len(queries.captured_queries)
        timings = []
        for _ in range(requests):
            if cache_state == "cold":
                _empty_caches()
            if anonymous:
                # Each anonymous request is a new visitor: a returning visitor's recently-viewed cookie
                # makes the product page personal (it is then cached per history, see shop.caching).
                client.cookies.clear()
            started = time.perf_counter()
            scenario.step(client, state)
            timings.append((time.perf_counter() - started) * 1000)
        result.requests = len(timings)
        result.median_ms = round(statistics.median(timings), 2)
        result.p95_ms = round(percentile(timings, 0.95), 2)
        if profile_to:
            _profile(scenario, client, state, cache_state, profile_to)
    except Unavailable as exc:
        result.note = f"not available: {exc}"
    except StepFailed as exc:
        result.note = f"failed: {exc}"
    except Exception as exc:  # a page that crashes is reported, not allowed to stop the whole run
        result.note = f"error: {type(exc).__name__}: {str(exc)[:120]}"
    return result


def _empty_caches():
    """Cold: Redis and this process's copy of versioned values (shop/caching/tiered.py) both emptied."""
    for backend in caches.all():
        backend.clear()


def _profile(scenario, client, state, cache_state, path):
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(10):
            if cache_state == "cold":
                _empty_caches()
            scenario.step(client, state)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(profiler.output_html())
