"""The live runs: the site under gunicorn on 127.0.0.1, driven by locust headless for a bounded time.

`run` is a shopper mix with think time (what a crowd of shoppers feels like); `capacity` drives one
endpoint at a time with no think time, enough users to keep both workers busy, and reports the
requests per second the workers serve (what the site can take). Cookie-less (anonymous) endpoints are
driven by wrk when it is installed (Debian's `wrk`): locust, in Python, takes about one of the two CPUs
at the rate the page cache answers, so it measures itself rather than the site.
"""

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from devtools.benchmarks.pages import sample_products
from devtools.loadgen import marks

Basket = get_model("basket", "Basket")
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
User = get_user_model()

# The capacity runs: (visitors, endpoint) in order. Anonymous visitors send no cookies, so they are
# served the page cache; signed-in ones never are.
CAPACITY_RUNS = [
    ("signed_in", "product"),
    ("signed_in", "catalogue"),
    ("signed_in", "category"),
    ("anonymous", "product"),
    ("anonymous", "catalogue"),
]
# The targets in requests per second (docs/performance.md).
CAPACITY_TARGETS = {
    ("signed_in", "product"): 150,
    ("signed_in", "catalogue"): 100,
    ("signed_in", "category"): 100,
    ("anonymous", "product"): 1000,
    ("anonymous", "catalogue"): 1000,
}


def write_urls(path: Path) -> None:
    products = list(sample_products(200))
    provinces = (
        Product.objects.browsable().values("origin_province").annotate(n=Count("id")).order_by("-n")[:5]
    )
    catalogue = reverse("catalogue:index")
    urls = {
        "products": [p.get_absolute_url() for p in products],
        "basket_add": [reverse("basket:add", kwargs={"pk": p.pk}) for p in products],
        "categories": [
            c.get_absolute_url() for c in Category.objects.filter(code__startswith=marks.CATEGORY_CODE_PREFIX)
        ],
        "filtered": [f"{catalogue}?province={row['origin_province']}&certified=1" for row in provinces],
        "search": reverse("search:search"),
        "search_words": ["脐橙", "大米", "蜂蜜", "茶", "核桃", "木耳"],
    }
    path.write_text(json.dumps(urls, ensure_ascii=False), encoding="utf-8")


def run(
    *,
    out_dir: Path,
    products: int,
    seconds: int = 60,
    users: int = 20,
    workers: int = 2,
    port: int = 8765,
    visitors: str = "anonymous",
    log=print,
) -> dict:
    """Start gunicorn, run locust against it, stop gunicorn; returns the summary.

    `visitors` is "anonymous" (shoppers with cookies, served the page cache until they fill a
    basket) or "signed_in" (each locust user logs in as a generated consumer: no page cache)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    urls_file = out_dir / "live-urls.json"
    write_urls(urls_file)
    env = _environment(BENCH_URLS_FILE=str(urls_file), BENCH_VISITORS=visitors)
    prefix = out_dir / f"locust-{visitors}"
    with _gunicorn(out_dir, env, workers=workers, port=port):
        log(f"locust: {users} {visitors} users for {seconds}s against gunicorn ({workers} workers)")
        _locust(
            "locustfile.py",
            prefix,
            host=f"http://127.0.0.1:{port}",
            users=users,
            spawn_rate=max(1, users // 4),
            seconds=seconds,
            env=env,
        )
    return _summary(
        prefix, products=products, seconds=seconds, users=users, workers=workers, visitors=visitors
    )


def capacity(
    *,
    out_dir: Path,
    products: int,
    seconds: int = 30,
    users: int = 24,
    workers: int = 2,
    port: int = 8766,
    log=print,
) -> list[dict]:
    """Start gunicorn once and drive each endpoint of CAPACITY_RUNS alone for `seconds` with `users`
    locust users and no think time; returns one summary per endpoint (req/s, failures, percentiles).

    Signed-in users are generated consumers, each signed in once (before the runs, not measured) with
    one product in the basket; every request carries its session cookie and nothing else."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    endpoints = _capacity_urls()
    sessions = [_signed_in_session(f"consumer{n}{marks.USER_DOMAIN}") for n in range(1, users + 1)]
    env = _environment()
    results = []
    with _gunicorn(out_dir, env, workers=workers, port=port, name="gunicorn-capacity"):
        cookie = settings.SESSION_COOKIE_NAME
        _check_signed_in(base, f"{cookie}={sessions[0]}")
        for visitors, endpoint in CAPACITY_RUNS:
            signed_in = visitors == "signed_in"
            urls = endpoints[endpoint]
            # Every URL once first: the page cache and the shared fragments are warm, as on a live site.
            _warm_up(base, urls, cookie=f"{cookie}={sessions[0]}" if signed_in else None)
            prefix = out_dir / f"locust-capacity-{visitors}-{endpoint}"
            meta = {
                "products": products,
                "seconds": seconds,
                "users": users,
                "workers": workers,
                "visitors": visitors,
                "endpoint": endpoint,
                "target_rps": CAPACITY_TARGETS.get((visitors, endpoint)),
            }
            if not signed_in and shutil.which("wrk"):
                # Cookie-less visitors are what wrk sends; being C, it leaves the CPUs to the workers.
                log(f"capacity: {endpoint}, {visitors}, wrk with {users} connections for {seconds}s")
                summary = _wrk(
                    out_dir / f"wrk-capacity-{endpoint}", base, urls, seconds=seconds, connections=users
                )
                summary = {**meta, "generator": "wrk", **summary}
                results.append(summary)
                _log_capacity(log, summary)
                continue
            plan = out_dir / f"capacity-{visitors}-{endpoint}.json"
            plan.write_text(
                json.dumps(
                    {
                        "endpoint": endpoint,
                        "urls": urls,
                        "cookies": [f"{cookie}={key}" for key in sessions] if signed_in else [],
                    }
                ),
                encoding="utf-8",
            )
            log(f"capacity: {endpoint}, {visitors}, {users} users without think time for {seconds}s")
            _locust(
                "capacity_locustfile.py",
                prefix,
                host=base,
                users=users,
                spawn_rate=users,
                seconds=seconds,
                env={**env, "BENCH_CAPACITY_FILE": str(plan)},
                reset_stats=True,  # count from when every user runs, not the ramp
            )
            summary = {**_summary(prefix, **meta), "generator": "locust"}
            summary.pop("per_endpoint")  # one endpoint: the aggregate is its row
            results.append(summary)
            _log_capacity(log, summary)
    return results


def _log_capacity(log, summary: dict) -> None:
    log(
        f"capacity: {summary['endpoint']}, {summary['visitors']} ({summary['generator']}): "
        f"{summary['rps']:.1f} req/s, {summary['failures']} failures, p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms"
    )


def _environment(**extra) -> dict:
    """The environment gunicorn and the load generators run in: the benchmark settings, plus `extra`."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings.bench", **extra}


def _locust(locustfile, prefix: Path, *, host, users, spawn_rate, seconds, env, reset_stats=False) -> None:
    """Run locust headless with `locustfile` (next to this module); statistics in `<prefix>_stats.csv`."""
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(Path(__file__).with_name(locustfile)),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{seconds}s",
        *(["--reset-stats"] if reset_stats else []),
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with open(f"{prefix}.log", "w") as errors:
        subprocess.run(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            timeout=seconds + 120,
        )


# wrk's script: the URLs in turn, and at the end one line of JSON with the counts and percentiles (µs).
WRK_SCRIPT = """local paths = {%(paths)s}
local n = 0
request = function()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK-RESULT {"requests": %%d, "failures": %%d, "duration_us": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n', summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _wrk(prefix: Path, base: str, urls: list[str], *, seconds: int, connections: int) -> dict:
    """Drive `urls` in turn with wrk (one thread, `connections` connections, no cookies) for `seconds`;
    failures are connection errors, timeouts and answers other than 2xx/3xx. Output in `<prefix>.txt`."""
    script = Path(f"{prefix}.lua")
    script.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(url) for url in urls)}, encoding="utf-8")
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    Path(f"{prefix}.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    line = next((line for line in done.stdout.splitlines() if line.startswith("WRK-RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result; see {prefix}.txt")
    counts = json.loads(line.removeprefix("WRK-RESULT "))
    return {
        "requests": counts["requests"],
        "failures": counts["failures"],
        "rps": counts["requests"] / (counts["duration_us"] / 1e6),
        "p50_ms": round(counts["p50_us"] / 1000),
        "p95_ms": round(counts["p95_us"] / 1000),
        "p99_ms": round(counts["p99_us"] / 1000),
    }


def _capacity_urls() -> dict[str, list[str]]:
    categories = Category.objects.filter(depth=1, code__startswith=marks.CATEGORY_CODE_PREFIX).order_by(
        "path"
    )
    return {
        "product": [p.get_absolute_url() for p in sample_products(50)],
        "catalogue": [reverse("catalogue:index")],
        "category": [c.get_absolute_url() for c in categories],
    }


def _signed_in_session(email: str) -> str:
    """Sign the generated user in (a session in the database, as the login form makes) with one product
    in an otherwise empty basket; returns the session key."""
    user = User.objects.filter(email=email).first()
    if user is None:
        raise RuntimeError(f"no user {email} (run generate_load_data with more orders)")
    Basket.objects.filter(owner=user).delete()
    client = Client()
    client.force_login(user)
    product = sample_products(1).first()
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    if response.status_code != 302:
        raise RuntimeError(f"adding to {email}'s basket failed: {response.status_code}")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _check_signed_in(base: str, cookie: str) -> None:
    """The account page answers with the session cookie (an anonymous visitor is sent to the login)."""
    request = urllib.request.Request(base + reverse("customer:profile-view"), headers={"Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        status = opener.open(request, timeout=30).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise RuntimeError(f"the session cookie does not sign in under gunicorn (account page: {status})")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _warm_up(base: str, urls: list[str], *, cookie: str | None) -> None:
    headers = {"Cookie": cookie} if cookie else {}
    for url in urls:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(urllib.request.Request(base + url, headers=headers), timeout=30).read()


@contextlib.contextmanager
def _gunicorn(out_dir: Path, env: dict, *, workers: int, port: int, name: str = "gunicorn"):
    """gunicorn serving the shop on 127.0.0.1:port (sync workers, no access log) while the block runs."""
    server_log = open(out_dir / f"{name}.log", "w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "shop.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", server, log_name=f"{name}.log")
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()


def _wait_until_up(url, server, timeout=60, log_name="gunicorn.log"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see var/bench/{log_name}")
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


def _summary(prefix, **meta):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    per_endpoint = []
    summary = dict(meta)
    for row in rows:
        entry = {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50_ms": row["50%"],
            "p95_ms": row["95%"],
            "p99_ms": row["99%"],
        }
        if row["Name"] == "Aggregated":
            summary.update({k: v for k, v in entry.items() if k != "name"})
        else:
            per_endpoint.append(entry)
    summary["per_endpoint"] = per_endpoint
    return summary
