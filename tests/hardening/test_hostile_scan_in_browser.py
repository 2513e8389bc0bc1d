"""A hostile scan stored before the content checks existed cannot run script when staff open it.

Real Chromium (Debian's /usr/bin/chromium, headless) against the live test server: the scan is HTML whose
script would change the page title, raise an alert and call back to the shop. Opened through the
checked scan view it arrives as a download, so none of that happens. Skipped, with the reason, when
Chromium or the playwright package is missing.
"""

import os

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from shop.core.files import PrivateStorage
from tests import factories

CHROMIUM = "/usr/bin/chromium"
HOSTILE_SCAN = b"""<!doctype html><html><head><title>scan</title></head><body>
<script>
document.title = "pwned";
fetch("/script-ran/?cookie=" + encodeURIComponent(document.cookie));
alert("script ran on the shop's origin");
</script></body></html>"""


def _skip_reason() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install -y chromium); browser test skipped"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed; browser test skipped"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(_skip_reason()), reason=_skip_reason() or "")]


def test_staff_opening_a_hostile_stored_scan_get_a_download_and_no_script_runs(live_server, transactional_db):
    from playwright.sync_api import Error, sync_playwright

    county = factories.CountyFactory()
    partner = factories.PartnerFactory(county=county)
    product = factories.ProductFactory(partner=partner)
    certificate = factories.CertificateFactory(product=product)
    certificate.scan = PrivateStorage().save("certificates/2025/01/scan.html", ContentFile(HOSTILE_SCAN))
    certificate.save()
    staff = factories.UserFactory(username="reviewer", is_staff=True)
    client = Client()
    client.force_login(staff)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    scan_url = live_server.url + reverse("sellers:certificate-scan", args=[certificate.pk])

    dialogs, callbacks = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            context = browser.new_context(accept_downloads=True)
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": live_server.url}]
            )
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            context.on(
                "request", lambda request: "/script-ran/" in request.url and callbacks.append(request.url)
            )
            # Start on a page of the shop's origin: a script rendered from the scan would run there.
            page.goto(live_server.url + "/accounts/login/", timeout=120_000)
            title_before, url_before = page.title(), page.url

            with page.expect_download(timeout=120_000) as started:
                try:
                    page.goto(scan_url, timeout=120_000)
                except Error as navigation:  # Chromium aborts a navigation that turns into a download
                    assert "download" in str(navigation).lower() or "ERR_ABORTED" in str(navigation)
            download = started.value
            page.wait_for_timeout(500)  # room for a script to run, had the file been rendered

            assert download.suggested_filename == f"certificate-{certificate.pk}.bin"
            with open(download.path(), "rb") as saved:
                assert saved.read() == HOSTILE_SCAN  # the bytes are kept; they are just never rendered
            assert page.title() == title_before != "pwned"
            assert page.url == url_before  # still the shop page: the scan was never rendered in its place
        finally:
            browser.close()

    assert dialogs == []
    assert callbacks == []
