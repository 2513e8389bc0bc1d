"""Browser journeys: Playwright driving Debian's Chromium against a real server loaded with demo data.

They run with the rest of the suite (`make test`) and alone with `make e2e`; they are skipped, with
the reason, only when /usr/bin/chromium or the playwright package is missing.

The server is gunicorn (threaded workers, like production) in its own process on 127.0.0.1, with its
own database (DATABASE_URL's name + "_e2e", or a SQLite file under var/e2e/) created afresh, migrated
and loaded with `load_demo_data`, and its own media folder (var/e2e/media). E2E_REUSE_DATA=1 reuses
both as they are (quick local reruns). Several workers share one cache only through Redis
(REDIS_URL_FOR_TESTS, under a key prefix of their own); without it the server runs one worker.
Every page must load without a console error or a failed request; screenshots go to var/e2e/.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "Demo-2026!"
PHONE = {"width": 390, "height": 844}  # the phone the storefront is designed for first
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "e2e"
# The CI machine is a loaded 2-core box: a single page may take many seconds there.
ACTION_TIMEOUT_MS = 60_000
NAVIGATION_TIMEOUT_MS = 120_000
WAGTAIL_PAGE_FORM = re.compile(r"/cms-admin/pages/(add/[a-z_]+/[a-z_]+/\d+|\d+/edit)/$")

pytestmark = pytest.mark.slow


def skip_reason() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install -y chromium); browser journeys skipped"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed; browser journeys skipped"
    return None


def pytest_collection_modifyitems(config, items):
    reason = skip_reason()
    if reason:
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_failed = report.failed
    return report


def _e2e_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "aidmarket"
        return urlunsplit(parts._replace(path=f"/{name}_e2e"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{SCREENSHOTS / 'db.sqlite3'}"


def _fresh_postgres_database(url: str) -> None:
    """An empty database, so the demo data always matches the media folder created with it."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture(scope="session")
def e2e_server():
    """URL of a gunicorn server with the demo shop (dev settings: static and media served, Chinese UI)."""
    database_url = _e2e_database_url()
    reuse = bool(os.environ.get("E2E_REUSE_DATA"))  # skip the fresh database, migrations and demo data
    media_root = os.environ.get("E2E_MEDIA_ROOT", str(SCREENSHOTS / "media"))
    private_media_root = str(Path(media_root).parent / "private-media")  # licence and certificate scans
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old_screenshot in SCREENSHOTS.glob("*.png"):
        old_screenshot.unlink()
    if not reuse:
        shutil.rmtree(media_root, ignore_errors=True)
        shutil.rmtree(private_media_root, ignore_errors=True)
        if database_url.startswith("postgres"):
            _fresh_postgres_database(database_url)
        else:
            (SCREENSHOTS / "db.sqlite3").unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "shop.settings.dev",
        "DEBUG": "true",  # static files (WhiteNoise with finders) and media served without collectstatic
        "AXES_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
        "MEDIA_ROOT": media_root,  # paired with the e2e database
        "PRIVATE_MEDIA_ROOT": private_media_root,
        # Outside services off whatever the environment or a developer's .env says: Stripe.js and
        # Elasticsearch are not reachable from CI, and the journeys test the shop, not them.
        "STRIPE_SECRET_KEY": "",
        "STRIPE_PUBLISHABLE_KEY": "",
        "ELASTICSEARCH_URL": "",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",  # no worker runs: tasks (mail) run in the server, even with Redis as the cache
        "CACHE_KEY_PREFIX": f"e2e-{uuid.uuid4().hex[:12]}",
    }
    redis_url = os.environ.get("REDIS_URL_FOR_TESTS", "")
    workers = 1
    if redis_url and database_url.startswith("postgres") and _redis_reachable(redis_url):
        # Cached pages and their invalidation must be shared by every worker.
        env["REDIS_URL"] = redis_url
        workers = 2
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    commands = [] if reuse else [["migrate", "--noinput"], ["load_demo_data"]]
    for command in commands:
        subprocess.run(
            [*manage, *command],
            env=env,
            check=True,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            timeout=1200,
        )
    port = _free_port()
    log = open(SCREENSHOTS / "server.log", "w")
    gunicorn = [
        sys.executable, "-m", "gunicorn", "shop.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", "4",
        "--timeout", "180",  # a checkout on the loaded CI box can take tens of seconds
        "--graceful-timeout", "5",
        "--access-logfile", "-",
    ]  # fmt: skip
    server = subprocess.Popen(gunicorn, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600  # a loaded 2-core machine takes its time to start Django
        while time.monotonic() < deadline:
            try:
                if requests.get(base_url + "/accounts/login/", timeout=60).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None:
                raise RuntimeError("the e2e server exited; see var/e2e/server.log")
            time.sleep(1)
        else:
            raise RuntimeError("the e2e server did not start; see var/e2e/server.log")
        # Warm every worker, so the first journey does not pay for importing the whole project.
        for path in ("/", "/search/?q=%E8%84%90%E6%A9%99", "/accounts/login/"):
            requests.get(base_url + path, timeout=120)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(e2e_server):  # closed before the server stops, so no keep-alive connection delays its exit
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A browser context whose pages record console errors, failed requests and HTTP errors.

    One kind of failed request is not a problem: a sub-resource (an image, a stylesheet, a script)
    that Chromium cancels (net::ERR_ABORTED) because its page was navigated away from before it
    finished loading — on a loaded machine a click often lands before every lazy image has arrived.
    Such a failure is excused only if the page did navigate after the request started.

    And one HTTP error is Wagtail's own design: the page editor autosaves the form in the background
    (a POST asking for JSON) while the editor is still filling it in, and Wagtail answers an
    incomplete form with 400 and the field errors, which it shows only once the editor saves. Such
    400s (and Chromium's "Failed to load resource" console line for them) are excused; a 400 to any
    other request, or a 500 from the autosave, is not.
    """

    def __init__(self, browser, base_url, journey, *, viewport=None):
        self.base_url = base_url
        self.journey = journey
        self.problems = []
        self.aborted = []  # (page, navigation count when the request started, description)
        self.console_errors = []  # (url of the resource it names or "", description)
        self.autosaves_refused = set()  # URLs of Wagtail autosave requests answered with 400
        self.navigations = {}
        self.request_started_at = {}
        self.closing = False
        self.step = 0
        self.pages = []
        self.context = browser.new_context(
            locale="zh-CN", base_url=base_url, viewport=viewport or DESKTOP, has_touch=viewport == PHONE
        )
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)

    def new_page(self):
        page = self.context.new_page()
        self.pages.append(page)
        self.navigations[page] = 0

        def navigated(frame):
            if frame == page.main_frame:
                self.navigations[page] += 1

        def request_started(request):
            self.request_started_at[request] = self.navigations[page]

        def request_failed(request):
            if self.closing:
                return
            description = f"request failed: {request.method} {request.url} ({request.failure})"
            if request.failure == "net::ERR_ABORTED" and not request.is_navigation_request():
                self.aborted.append((page, self.request_started_at.get(request, -1), description))
            else:
                self.problems.append(description)

        def console(message):
            if message.type == "error" and not self.closing:
                resource = (message.location or {}).get("url", "")
                self.console_errors.append((resource, f"console error on {page.url}: {message.text}"))

        def response(response):
            if response.status < 400:
                return
            request = response.request
            if (
                response.status == 400
                and request.method == "POST"
                and WAGTAIL_PAGE_FORM.search(response.url)
                and request.headers.get("accept", "").startswith("application/json")
            ):
                self.autosaves_refused.add(response.url)
                return
            self.problems.append(f"HTTP {response.status}: {request.method} {response.url}")

        page.on("framenavigated", navigated)
        page.on("request", request_started)
        page.on("requestfailed", request_failed)
        page.on("console", console)
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))
        page.on("response", response)
        return page

    def shot(self, page, name):
        self.step += 1
        page.screenshot(path=str(SCREENSHOTS / f"{self.journey}-{self.step:02d}-{name}.png"), full_page=True)

    def login(self, page, email, *, next_path=None):
        """Log in through the shop's login form and wait until the shop has let us in."""
        from playwright.sync_api import expect

        page.goto("/accounts/login/" + (f"?next={next_path}" if next_path else ""))
        page.fill("input[name='login-username']", email)
        page.fill("input[name='login-password']", DEMO_PASSWORD)
        page.click("button[name='login_submit']")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        expect(page.locator("body")).not_to_contain_text("请输入正确")  # no "wrong password" message

    def cms_login(self, page, email):
        """Log in through Wagtail's admin login form."""
        page.goto("/cms-admin/login/")
        page.fill("input[name='username']", email)
        page.fill("input[name='password']", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form button[type='submit']")
        page.wait_for_url(lambda url: "/cms-admin/login/" not in url)

    def unexplained_problems(self):
        problems = list(self.problems)
        for resource, description in self.console_errors:
            if resource in self.autosaves_refused and "status of 400" in description:
                continue  # Chromium's line for an autosave Wagtail refused (see the class docstring)
            problems.append(description)
        for page, started_at, description in self.aborted:
            if started_at < 0 or self.navigations.get(page, 0) <= started_at:
                problems.append(description)  # nothing navigated away: a real failure
        return problems

    def close(self, *, failed=False):
        if failed:
            for index, page in enumerate(self.pages):
                try:
                    page.screenshot(
                        path=str(SCREENSHOTS / f"{self.journey}-failure-{index}.png"), full_page=True
                    )
                except Exception:
                    pass  # the page may be gone; the failure itself is what matters
        self.closing = True
        self.context.close()


@pytest.fixture
def journey(browser, e2e_server, request):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def open_context(name=None, *, viewport=None):
        watched = Watched(browser, e2e_server, name or request.node.name, viewport=viewport)
        contexts.append(watched)
        return watched

    yield open_context
    failed = getattr(request.node, "journey_failed", False)
    for watched in contexts:
        watched.close(failed=failed)
    problems = [problem for watched in contexts for problem in watched.unexplained_problems()]
    assert problems == [], "\n".join(problems)
