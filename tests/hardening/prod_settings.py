"""Production settings, evaluated as prod.py would with its required variables set."""

import os
import runpy
import secrets

PROD_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/aidmarket",
    "ALLOWED_HOSTS": "shop.example.cn,testserver",
}

# Everything prod.py sets that shapes responses and cookies.
HEADER_SETTINGS = (
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "OSCAR_BASKET_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
)


def subprocess_env(**overrides) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in PROD_ENV}
    env.update(PROD_ENV, DJANGO_SETTINGS_MODULE="shop.settings.prod")
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def prod_values(monkeypatch) -> dict:
    """prod.py's header and cookie settings (prod.py builds new objects, so base stays untouched)."""
    for key, value in PROD_ENV.items():
        monkeypatch.setenv(key, value)
    namespace = runpy.run_module("shop.settings.prod")
    return {name: namespace[name] for name in HEADER_SETTINGS}
