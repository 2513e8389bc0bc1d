"""The live run: the site under gunicorn on 127.0.0.1, driven by locust headless for a bounded time."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from oscar.core.loading import get_model

from devtools.benchmarks.pages import sample_products
from devtools.loadgen import marks

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


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
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.bench",
        "BENCH_URLS_FILE": str(urls_file),
        "BENCH_VISITORS": visitors,
    }
    server_log = open(out_dir / "gunicorn.log", "w")
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "shop.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", server)
        prefix = out_dir / f"locust-{visitors}"
        log(f"locust: {users} {visitors} users for {seconds}s against gunicorn ({workers} workers)")
        subprocess.run(
            [
                str(bin_dir / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(max(1, users // 4)),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=open(out_dir / f"locust-{visitors}.log", "w"),
            timeout=seconds + 120,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
    return _summary(
        prefix, products=products, seconds=seconds, users=users, workers=workers, visitors=visitors
    )


def _wait_until_up(url, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited; see var/bench/gunicorn.log")
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
