from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(VAR_DIR / "test-media")  # noqa: F405
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
AIDMARKET_PAGE_CACHE_SECONDS = 0  # issue 8: the page cache is off in tests unless a test turns it on
