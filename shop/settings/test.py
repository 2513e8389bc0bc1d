"""The test suite: base, with fast hashing, mail kept in memory and the developer tools installed."""

from .base import *  # noqa: F401,F403
from .base import CACHES, INSTALLED_APPS, LOGGING, VAR_DIR
from .components.caching import versioned_caches
from .components.devtools import DEVTOOLS_APPS

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, *DEVTOOLS_APPS]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(VAR_DIR / "test-media")
LOGGING["root"]["level"] = "ERROR"
AIDMARKET_PAGE_CACHE_SECONDS = 0  # the page cache is off in tests unless a test turns it on
# Sessions as production keeps them with Redis (shop/settings/components/caching.py); one process here.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The versioned values' per-process copy, as production runs it with Redis (here over the local cache).
CACHES = {**CACHES, **versioned_caches()}
