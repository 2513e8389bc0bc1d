"""Settings for benchmark runs: production-like (DEBUG off, Redis cache) on the bench database.

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/aidmarket_bench) and
BENCH_REDIS_URL (default redis://127.0.0.1:6379/13) are read before the base settings so that a
developer's own DATABASE_URL / REDIS_URL are never written to by a benchmark.
"""

import os

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aidmarket_bench"
)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("CACHE_KEY_PREFIX", "aidmarket-bench")
# Redis is the benchmark's cache; no worker runs, so background tasks run in-process.
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_CELERY_BROKER_URL", "")

from shop.settings.base import *  # noqa: E402,F401,F403
from shop.settings.base import MIDDLEWARE  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins are not what we measure
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CONN_MAX_AGE = 60
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 - as a production deployment would
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
SERVE_MEDIA = True

if "shop.caching.AnonymousPageCacheMiddleware" not in MIDDLEWARE:
    MIDDLEWARE = [*MIDDLEWARE]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
        "shop.caching.AnonymousPageCacheMiddleware",
    )
