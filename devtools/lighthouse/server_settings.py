"""The Lighthouse run's server: production settings (DEBUG off, compressed manifest static files served by
WhiteNoise) over plain HTTP on 127.0.0.1, with the demo shop's product photos served from MEDIA_ROOT.

Only what needs TLS is relaxed, as a deployment gets it from its proxy: secure-only cookies, the HTTPS
redirect, HSTS and the CSP's upgrade-insecure-requests (which would send the browser to https:// here).
"""

from shop.settings.prod import *  # noqa: F401,F403
from shop.settings.prod import CONTENT_SECURITY_POLICY

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
OSCAR_BASKET_COOKIE_SECURE = False
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = False
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {
        key: value
        for key, value in CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
        if key != "upgrade-insecure-requests"
    },
}
SERVE_MEDIA = True  # production serves media from its web server or object storage
