"""The load tests' server: production settings, served over plain HTTP on 127.0.0.1.

Everything in shop.settings.prod stays (DEBUG off, required SECRET_KEY/DATABASE_URL/ALLOWED_HOSTS,
CSRF with origin checking, security headers, login throttling) except what needs TLS, which a
deployment gets from its proxy: secure-only cookies (a browser would not send them back over
HTTP), the HTTPS redirect and HSTS. tests/load/server.py sets the environment it reads.
"""

from shop.settings.prod import *  # noqa: F401,F403
from shop.settings.prod import STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
OSCAR_BASKET_COOKIE_SECURE = False
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = False
# Plain static storage: the manifest needs `collectstatic`, and no test fetches static files.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Dozens of simulated customers log in at once; hashing is not what these tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
