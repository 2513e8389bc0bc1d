"""Lighthouse (npm, Debian's Chromium) on the storefront, served the production way; scores to var/lighthouse/.

    python -m devtools.lighthouse [postgres://…/aidmarket]

1. A fresh database `<name>_lighthouse`, migrated and loaded with the demo shop (dev settings, which
   install load_demo_data), its photos in var/lighthouse/media.
2. `collectstatic` with production settings: WhiteNoise's compressed, hashed files in var/lighthouse/static.
3. gunicorn (2 workers) with devtools/lighthouse/server_settings.py: DEBUG off, production middleware.
4. Lighthouse 12 with its mobile defaults (Moto G-class emulation, simulated 4G throttling) on the home
   page, a category, a product, a search and a brand story; each page once, after one warming request.
5. var/lighthouse/scores.json and scores.md (the table the README shows), with the load average, since
   performance scores on a shared machine move with it.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

BASE_DIR = Path(__file__).resolve().parents[2]
OUT = BASE_DIR / "var" / "lighthouse"
LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES_SCRIPT = """
import json
from oscar.core.loading import get_model
from cms.models import BrandStoryPage
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
story = BrandStoryPage.objects.live().public().order_by("path").first()
print(json.dumps({
    "home": "/",
    "category": Category.objects.filter(depth=1, is_public=True).order_by("path").first().get_absolute_url(),
    "product": Product.objects.certified().get(upc="AM00001").get_absolute_url(),
    "search": "/search/?q=%E8%84%90%E6%A9%99",
    "brand story": story.url,
}))
"""


def database_url(base: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/') or 'aidmarket'}_lighthouse"))


def environment(url: str, settings: str) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "ELASTICSEARCH_", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=url,
        SECRET_KEY="lighthouse-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(OUT / "media"),
        STATIC_ROOT=str(OUT / "static"),
        CELERY_BROKER_URL="",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(url: str, settings: str, *args, capture=False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment(url, settings),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def fresh_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_lighthouse(url: str, name: str) -> dict:
    report = OUT / f"{name.replace(' ', '-')}.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
        ],
        cwd=BASE_DIR,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=600,
    )
    data = json.loads(report.read_text())
    scores = {category: round(data["categories"][category]["score"] * 100) for category in CATEGORIES}
    failing = {
        category: [
            audit["id"]
            for ref in data["categories"][category]["auditRefs"]
            if ref["weight"]
            and (audit := data["audits"][ref["id"]])["score"] is not None
            and audit["score"] < 0.9
        ]
        for category in CATEGORIES
    }
    return {"url": url, "scores": scores, "below_90": failing}


def table(results: dict, load: tuple) -> str:
    lines = [
        "| page | performance | accessibility | best practices | SEO |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, result in results.items():
        s = result["scores"]
        lines.append(
            f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} |"
        )
    lines.append("")
    lines.append(
        f"Lighthouse 12, mobile, {time.strftime('%Y-%m-%d')}; load average before the run "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    if not LIGHTHOUSE.exists() or not os.path.exists(CHROMIUM):
        sys.exit(f"needs {LIGHTHOUSE} (npm ci) and {CHROMIUM}")
    base = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("needs a PostgreSQL URL (argument or DATABASE_URL)")
    url = database_url(base)
    OUT.mkdir(parents=True, exist_ok=True)
    if os.environ.get("LIGHTHOUSE_REUSE_DATA") != "1":
        shutil.rmtree(OUT, ignore_errors=True)
        OUT.mkdir(parents=True)
        print(f"fresh demo shop in {urlsplit(url).path.lstrip('/')}", flush=True)
        fresh_database(url)
        manage(url, "shop.settings.dev", "migrate", "--noinput", "-v", "0")
        manage(url, "shop.settings.dev", "load_demo_data")
    printed = manage(url, "shop.settings.dev", "shell", "-c", PAGES_SCRIPT, capture=True)
    pages = json.loads(printed.strip().splitlines()[-1])
    print("collectstatic (compressed, hashed)", flush=True)
    settings = "devtools.lighthouse.server_settings"
    manage(url, settings, "collectstatic", "--noinput", "-v", "0")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shop.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=environment(url, settings),
        stdout=(OUT / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        origin = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                requests.get(origin + "/", timeout=60)
                break
            except requests.RequestException:  # not listening yet, or the first request still loading
                time.sleep(1)
        load = os.getloadavg()
        results = {}
        for name, path in pages.items():
            requests.get(origin + path, timeout=60)  # warm the page cache and the workers
            print(f"lighthouse {name}: {path}", flush=True)
            results[name] = run_lighthouse(origin + path, name)
    finally:
        server.terminate()
        server.wait(timeout=30)
    (OUT / "scores.json").write_text(json.dumps({"load_average": load, "pages": results}, indent=2))
    (OUT / "scores.md").write_text(table(results, load))
    print(table(results, load))
    for name, result in results.items():
        for category, audits in result["below_90"].items():
            if audits:
                print(f"{name} {category}: audits below 0.9: {', '.join(audits)}")


if __name__ == "__main__":
    main()
