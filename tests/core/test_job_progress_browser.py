"""The job progress page in a real browser (Chromium, 390 px wide): it follows the job by polling, without
a reload, through queued → rows done → the outcome with its summary and the download button."""

import os

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from shop.core import jobs
from shop.core.models import Job
from shop.sellers import catalogue_io
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, skip_reason

pytestmark = pytest.mark.slow


@pytest.fixture
def page(live_server, consumer, monkeypatch):
    if skip_reason():
        pytest.skip(skip_reason())
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(consumer)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_key,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        context.set_default_timeout(int(os.environ.get("E2E_ACTION_TIMEOUT_MS", 60_000)))
        yield context.new_page()
        browser.close()


def test_the_progress_page_follows_the_job_without_reloading(page, live_server, consumer, transactional_db):
    from playwright.sync_api import expect

    job = Job.objects.create(kind=catalogue_io.IMPORT_JOB, requested_by=consumer, arguments={})
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    page.evaluate("window.notReloaded = true")
    assert page.locator("#job-state").inner_text() == "排队中"
    assert page.locator("#job-file").is_hidden()

    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=1500, total=5000)
    expect(page.locator("#job-count")).to_have_text("1500 / 5000", timeout=60_000)
    assert page.locator("#job-bar").inner_text() == "30%"

    job.refresh_from_db()
    jobs.attach_file(job, "errors.xlsx", b"x")
    job.state, job.done, job.finished_at = Job.State.SUCCEEDED, 5000, timezone.now()
    job.result = {"created": 4000, "updated": 900, "unchanged": 100, "errors": 0}
    job.save()
    expect(page.locator("#job-state")).to_have_text("成功", timeout=60_000)

    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#job-bar").inner_text() == "100%"
    assert page.locator("#job-summary").inner_text().split() == [
        "已新建",
        "4000",
        "已更新",
        "900",
        "无变化",
        "100",
    ]
    assert page.locator("#job-file a").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
