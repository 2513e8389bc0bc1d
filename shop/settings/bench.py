"""Settings for benchmark runs (`make bench`): production-like (DEBUG off, Redis cache) on the bench database.

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/aidmarket_bench) and
BENCH_REDIS_URL (default redis://127.0.0.1:6379/13) are read before the base settings so that a
developer's own DATABASE_URL / REDIS_URL are never written to by a benchmark. The developer tools
(generate_load_data, run_benchmarks, bench_search …) are installed.
"""

import os

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aidmarket_bench"
)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("CACHE_KEY_PREFIX", "aidmarket-bench")
# Redis is the benchmark's cache; no worker runs, so background tasks run in-process.
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_CELERY_BROKER_URL", "")

from .base import *  # noqa: E402,F401,F403
from .base import DATABASES, INSTALLED_APPS, LOGGING  # noqa: E402
from .components.devtools import DEVTOOLS_APPS  # noqa: E402

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, *DEVTOOLS_APPS]
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins are not what we measure
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CONN_MAX_AGE = 60
DATABASES["default"]["CONN_MAX_AGE"] = 60  # as a production deployment would
LOGGING["root"]["level"] = "ERROR"
SERVE_MEDIA = True
