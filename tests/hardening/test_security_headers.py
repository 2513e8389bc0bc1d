import pytest
from django.urls import reverse

from tests.hardening.prod_settings import prod_values


@pytest.fixture
def production(settings, monkeypatch):
    for name, value in prod_values(monkeypatch).items():
        setattr(settings, name, value)
    return settings


def csp_directives(response) -> dict:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


SHOP_AND_ADMIN_PAGES = ["/accounts/login/", "/basket/", "/dashboard/login/", "/cms-admin/login/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", SHOP_AND_ADMIN_PAGES)
def test_production_pages_send_hsts_nosniff_referrer_policy_and_frame_denial(client, production, path):
    response = client.get(path, secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert "upgrade-insecure-requests" in directives


@pytest.mark.django_db
def test_production_redirects_plain_http_to_https(client, production):
    response = client.get("/accounts/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


@pytest.mark.django_db
def test_production_cookies_are_secure_and_session_cookie_is_http_only(client, production, consumer):
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"login_submit": "1", "login-username": consumer.email, "login-password": "pass-word-123"},
        secure=True,
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", SHOP_AND_ADMIN_PAGES)
def test_csp_lets_stripe_js_load_call_its_api_and_frame_its_pages_and_nothing_else_foreign(client, path):
    directives = csp_directives(client.get(path))

    assert directives["default-src"] == ["'self'"]
    assert "https://js.stripe.com" in directives["script-src"]
    assert "https://api.stripe.com" in directives["connect-src"]
    assert {"https://js.stripe.com", "https://hooks.stripe.com"} <= set(directives["frame-src"])
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert all(
        source.startswith(("'", "https://", "data:", "blob:"))
        for values in directives.values()
        for source in values
    ), "no plain-http or wildcard source"


@pytest.mark.django_db
def test_wagtail_preview_may_be_framed_by_the_admin_only(admin_client):
    from wagtail.models import Page

    page = Page.objects.filter(depth=2).first() or Page.objects.get(depth=1)
    response = admin_client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]))

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert csp_directives(response)["frame-ancestors"] == ["'self'"]
