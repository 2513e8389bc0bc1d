"""Everything the shop needs, from environment variables with laptop-safe defaults.

A service is switched on by setting its variable: DATABASE_URL, REDIS_URL,
ELASTICSEARCH_URL, STRIPE_SECRET_KEY. See .env.example for the full list.
"""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F401,F403 - Oscar's settings are the base we override

from .env import BASE_DIR, VAR_DIR, env

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (dev server + management commands) wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner costs for SSD storage, where a random page read costs about as much as a sequential
    # one (PostgreSQL's default of 4 assumes spinning disks and makes it scan whole tables rather
    # than follow an index to an organisation's few orders). Set PG_RANDOM_PAGE_COST=4 for disks.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={env.float('PG_RANDOM_PAGE_COST', default=1.1)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="aidmarket"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="aidmarket")

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")  # only for local test doubles

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Aidmarket <noreply@aidmarket.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    # Oscar, with our forks in place of the apps we extend
    "shop.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "catalogue_ext.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "shop.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "shop.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    # Wagtail
    "cms.apps.CmsConfig",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Ours
    "shop.apps.ShopConfig",
    "shop.sellers.apps.SellersConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shop.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "shop.context_processors.site_nav",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: hard limits for every file field (validators add type/decoding checks).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=8 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
MAX_DOCUMENT_UPLOAD_BYTES = env.int("MAX_DOCUMENT_UPLOAD_BYTES", default=10 * 1024 * 1024)

# Oscar
OSCAR_SHOP_NAME = _("Aidmarket 消费帮扶商城")
OSCAR_SHOP_TAGLINE = _("Consumption aid for formerly poverty-stricken areas")
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_ALLOW_ANON_CHECKOUT = False
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "line4", "country", "phone_number")
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_THUMBNAILER = "shop.thumbnails.FileThumbnailer"
OSCAR_SLUG_FUNCTION = "catalogue_ext.slugs.pinyin_slugify"  # pinyin, not escaped code points
OSCAR_SAVE_SENT_EMAILS_TO_DB = True
OSCAR_INITIAL_ORDER_STATUS = "pending_payment"
OSCAR_INITIAL_LINE_STATUS = "pending"
# Keys are stable identifiers; shop.order.statuses gives their translated labels.
OSCAR_ORDER_STATUS_PIPELINE = {
    "awaiting_approval": ("pending_payment", "cancelled"),
    "pending_payment": ("paid", "payment_failed", "cancelled"),
    "payment_failed": ("pending_payment", "paid", "cancelled"),
    "paid": ("shipped", "completed", "refunded", "cancelled"),
    "shipped": ("completed", "refunded"),
    "completed": ("refunded",),
    "refunded": (),
    "cancelled": (),
}
OSCAR_ORDER_STATUS_CASCADE = {"cancelled": "cancelled", "shipped": "shipped"}
OSCAR_LINE_STATUS_PIPELINE = {
    "pending": ("shipped", "cancelled"),
    "shipped": ("delivered",),
    "delivered": (),
    "cancelled": (),
}

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"


# Wagtail
WAGTAIL_SITE_NAME = "Aidmarket"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_IMAGE_UPLOAD_BYTES
WAGTAILIMAGES_MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "oscar.checkout": {"level": "WARNING"},
        "aidmarket": {"level": env("LOG_LEVEL", default="INFO")},
    },
}

# Aidmarket domain settings
AIDMARKET_DEFAULT_QUOTA_SHARE = env.str("AIDMARKET_DEFAULT_QUOTA_SHARE", default="0.10")  # a decimal fraction

# Modules with an idempotent load(stdout) that `load_demo_data` calls after the core demo data.
AIDMARKET_DEMO_LOADERS = []


# --- Hardening (issue 9): login throttling, content security policy, headers, upload caps ---
INSTALLED_APPS += ["axes", "shop.security"]  # noqa: F405
MIDDLEWARE.insert(1, "shop.security.middleware.RequestSizeLimitMiddleware")  # right after SecurityMiddleware
# Above XFrameOptionsMiddleware, so the CSP's frame-ancestors can follow X-Frame-Options.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.clickjacking.XFrameOptionsMiddleware"),
    "shop.security.middleware.ContentSecurityPolicyMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AUTHENTICATION_BACKENDS.insert(0, "shop.security.throttling.ThrottlingBackend")

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
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party avatar requests from the admin

# Uploads: no request body above this (files stream to disk otherwise), and only decodable images
# (JPEG/PNG/WebP) in Wagtail too; every model file field validates with shop.uploads.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 50
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
# --- end of hardening ---

# --- Institutional buyers (issue 3) ---
from shop.institutions.access import staff_only as _institutions_staff_only  # noqa: E402

INSTALLED_APPS += ["shop.institutions.apps.InstitutionsConfig"]  # noqa: F405
OSCAR_DASHBOARD_NAVIGATION = OSCAR_DASHBOARD_NAVIGATION + [  # noqa: F405
    {
        "label": _("Institutional buyers"),
        "icon": "fas fa-building",
        "access_fn": _institutions_staff_only,
        "children": [
            {
                "label": _("Organisations overview"),
                "url_name": "institutions-dashboard:overview",
                "access_fn": _institutions_staff_only,
            },
            {
                "label": _("Bank transfers to record"),
                "url_name": "institutions-dashboard:payments",
                "access_fn": _institutions_staff_only,
            },
            {
                "label": _("Platform impact"),
                "url_name": "institutions-dashboard:impact",
                "access_fn": _institutions_staff_only,
            },
        ],
    },
]
AIDMARKET_DEMO_LOADERS = AIDMARKET_DEMO_LOADERS + ["shop.institutions.demo"]  # noqa: F405
# --- end of institutional buyers ---

# --- Search (issue 6) ---
ELASTICSEARCH_TIMEOUT = env.float(
    "ELASTICSEARCH_TIMEOUT", default=3.0
)  # seconds; then fall back to the database
# On: index changes when the transaction commits. Off: index at once (the test suite, one-off scripts).
SEARCH_INDEX_ON_COMMIT = env.bool("SEARCH_INDEX_ON_COMMIT", default=True)
SEARCH_REFRESH_ON_INDEX = env.bool(
    "SEARCH_REFRESH_ON_INDEX", default=False
)  # tests: make writes visible at once
SEARCH_SYNONYMS_FILE = env("SEARCH_SYNONYMS_FILE", default=str(BASE_DIR / "search" / "synonyms.txt"))
# Dotted path to f(product_queryset) -> the products flagged help-sell; "" = shop.sellers flags if installed.
SEARCH_HELP_SELL_FILTER = env("SEARCH_HELP_SELL_FILTER", default="")
# --- end of search ---

# --- CMS (issue 5) ---
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.images.ImageForm"  # alt text (description) is required
WAGTAILEMBEDS_FINDERS = [
    {"class": "cms.embeds.ChineseVideoFinder"},
    {"class": "wagtail.embeds.finders.oembed"},
]
# Optional dotted path to a function(limit=...) returning products for the home page's help-sell rail;
# empty = the active help-sell flags of shop.sellers when that app is installed.
AIDMARKET_HELP_SELL_PRODUCTS = env("AIDMARKET_HELP_SELL_PRODUCTS", default="")  # noqa: F405
AIDMARKET_DEMO_LOADERS = AIDMARKET_DEMO_LOADERS + ["cms.demo"]  # noqa: F405
# --- end of CMS ---

# --- Scale and speed (issue 8) ---
INSTALLED_APPS += ["shop.caching.CachingConfig"]  # noqa: F405 - cache invalidation on catalogue writes
# Whole-page cache for anonymous shoppers (shop.caching), in seconds; 0 switches it off.
AIDMARKET_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Right after CSRF: a hit skips sessions, auth and the basket; it re-issues its own CSRF token.
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,  # noqa: F405
    "shop.caching.AnonymousPageCacheMiddleware",
)
# `catalogue_cache_version` for {% cache %} fragments of catalogue data (the product card).
TEMPLATES[0]["OPTIONS"]["context_processors"].append("shop.caching.fragment_versions")  # noqa: F405
# --- end of scale and speed ---

# --- County sellers (issue 4) ---
from shop.sellers.navigation import NAVIGATION as _SELLERS_NAVIGATION  # noqa: E402

OSCAR_DASHBOARD_NAVIGATION = OSCAR_DASHBOARD_NAVIGATION + _SELLERS_NAVIGATION  # noqa: F405
AIDMARKET_DEMO_LOADERS = AIDMARKET_DEMO_LOADERS + ["shop.sellers.demo"]  # noqa: F405
# Search's help-sell facet asks the sellers' app which products are flagged.
SEARCH_HELP_SELL_FILTER = SEARCH_HELP_SELL_FILTER or "shop.sellers.helpsell.flagged"  # noqa: F405
# Business licence scans live here, never under MEDIA_ROOT; "" = a private-media folder next to MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default="")  # noqa: F405
# --- end of county sellers ---

# --- Search demo loader (issue 6): last, so that it indexes what every loader before it created ---
AIDMARKET_DEMO_LOADERS = AIDMARKET_DEMO_LOADERS + ["search.demo"]  # noqa: F405

# --- Celery: background tasks (shop/celery.py) ---
# The broker is CELERY_BROKER_URL, or the Redis of REDIS_URL; with neither, tasks run eagerly in the
# process that queues them, so a laptop needs nothing more. Jobs are tracked in the shop's own table
# (shop.core.models.Job), so no result backend is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False  # a failing task is logged and recorded, never a 500 for the caller
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a message is removed only when its task has finished...
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...and a worker killed mid-task puts it back on the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long jobs: a worker holds one message at a time
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE  # noqa: F405 - beat's crontab times are Beijing time
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)  # seconds
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queueing from a web request gives up quickly when the broker is down, so the user is told at once.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Redis re-delivers a message not acknowledged within this many seconds (a worker that vanished with it):
# longer than the longest job.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)  # noqa: F405
INSTALLED_APPS += ["shop.core.apps.CoreConfig"]  # noqa: F405
# Daily work at fixed Beijing times; each task calls the same function as its management command.
CELERY_BEAT_SCHEDULE = {
    "expire-certificates-and-send-notices": {
        "task": "catalogue_ext.tasks.process_certificate_expiries",
        "schedule": crontab(hour=1, minute=0),
    },
    "end-lapsed-help-sell-flags": {
        "task": "shop.sellers.tasks.end_lapsed_help_sell_flags",
        "schedule": crontab(hour=1, minute=15),
    },
    "send-low-stock-notices": {
        "task": "shop.sellers.tasks.send_low_stock_notices",
        "schedule": crontab(hour=8, minute=0),
    },
    "check-search-index": {
        "task": "search.tasks.check_search_index",
        "schedule": crontab(hour=3, minute=30),
    },
    "delete-expired-job-files": {
        "task": "shop.core.tasks.delete_expired_job_files",
        "schedule": crontab(hour=4, minute=0),
    },
    # Not daily: mail whose queueing failed (broker down at commit) is handed to the workers again.
    "requeue-unsent-mail": {
        "task": "shop.core.tasks.requeue_unsent_mail",
        "schedule": crontab(minute="*/10"),
    },
}
OSCAR_DASHBOARD_NAVIGATION = OSCAR_DASHBOARD_NAVIGATION + [  # noqa: F405
    {
        "label": _("Background jobs"),
        "icon": "fas fa-tasks",
        "url_name": "jobs-dashboard:list",
        "access_fn": lambda user, *args, **kwargs: bool(user.is_active and user.is_staff),
    },
]
# --- end of Celery ---
