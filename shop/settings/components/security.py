"""Login throttling (django-axes), the content security policy, security headers and cookies.

prod.py adds what needs TLS (HSTS, secure cookies, the HTTPS redirect).
"""

from ..env import env

# Throttling covers every login form: the shop's, Oscar's dashboard, Wagtail's admin, Django's admin.
# Locked per (account, address) pair so one office behind a shared NAT address is not locked out by
# one person's typos, and nobody can lock a known account from elsewhere.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "shop.security.throttling.client_username"
AXES_CLIENT_IP_CALLABLE = "shop.security.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "shop.security.throttling.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "login-password"]
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)  # reverse proxies setting X-Forwarded-For

# Content security policy: our own origin, plus Stripe.js (its script, API and 3-D Secure/redirect
# frames) and the video hosts CMS pages embed. Oscar's and Wagtail's templates still use inline
# scripts and styles, hence 'unsafe-inline'; no 'unsafe-eval', no plugins, no foreign forms or bases.
STRIPE_CSP_SCRIPT = ["https://js.stripe.com", "https://*.js.stripe.com"]
STRIPE_CSP_FRAME = ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"]
CSP_EMBED_FRAME_HOSTS = env.list(
    "CSP_EMBED_FRAME_HOSTS",
    default=["https://player.bilibili.com", "https://www.youtube-nocookie.com", "https://www.youtube.com"],
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'", *STRIPE_CSP_SCRIPT],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https://*.stripe.com"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "https://api.stripe.com"],
        "frame-src": ["'self'", *STRIPE_CSP_FRAME, *CSP_EMBED_FRAME_HOSTS],
        "media-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],  # 'self' where X-Frame-Options is SAMEORIGIN (see the middleware)
    },
}
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview view sets SAMEORIGIN for itself
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"  # Alipay/WeChat Pay open popups
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
