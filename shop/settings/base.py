"""Everything the shop needs, from environment variables with laptop-safe defaults.

This module holds Django's core settings, read top to bottom: one INSTALLED_APPS, one MIDDLEWARE.
Each integration (Oscar, Wagtail, search, payments, security, caching, e-mail, uploads) keeps its
own settings in shop/settings/components/, imported at the end. dev.py, test.py, bench.py and
prod.py only override. A service is switched on by setting its variable: DATABASE_URL, REDIS_URL,
ELASTICSEARCH_URL, STRIPE_SECRET_KEY. See .env.example for the full list.
"""

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
    # Oscar, with our forks in place of the apps we extend (core apps before dashboard apps)
    "shop.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "catalogue_ext.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "shop.payment.apps.PaymentConfig",
    "shop.offer.apps.OfferConfig",
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
    "shop.core.apps.CoreConfig",  # jobs and outgoing mail
    "axes",  # login throttling
    "simple_history",  # audit trail of ledger records
    "shop.security",
    "shop.institutions.apps.InstitutionsConfig",
    "shop.docking.apps.DockingConfig",  # production–marketing docking: demands, quotes, awards, intents
    "shop.caching.CachingConfig",  # cache invalidation on catalogue writes
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shop.security.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shop.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Right after CSRF: a hit skips sessions, auth and the basket; it re-issues its own CSRF token.
    "shop.caching.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change that the audit trail keeps (after authentication).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Above XFrameOptionsMiddleware, so the CSP's frame-ancestors can follow X-Frame-Options.
    "shop.security.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # after authentication, as django-axes requires
    # Innermost: signed-in visitors' shared pages, with the session, user and basket known.
    "shop.caching.SharedPageCacheMiddleware",
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
                "oscar.core.context_processors.metadata",
                "shop.context_processors.site_nav",
                # `catalogue_cache_version` for {% cache %} fragments of catalogue data (the product card).
                "shop.caching.fragment_versions",
                # The header's basket fragment key and unread-notification count, from the cache.
                "shop.caching.personal.personal_parts",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "shop.security.throttling.ThrottlingBackend",  # first: refuses locked-out logins
    # Oscar's e-mail login and Django's, each keeping users' permission sets in the cache.
    "shop.caching.permissions.EmailBackend",
    "shop.caching.permissions.ModelBackend",
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

# One module per integration; none defines a name another one (or this module) defines.
from .components.aidmarket import *  # noqa: E402,F401,F403
from .components.caching import *  # noqa: E402,F401,F403
from .components.celery import *  # noqa: E402,F401,F403
from .components.email import *  # noqa: E402,F401,F403
from .components.oscar import *  # noqa: E402,F401,F403
from .components.payments import *  # noqa: E402,F401,F403
from .components.search import *  # noqa: E402,F401,F403
from .components.security import *  # noqa: E402,F401,F403
from .components.uploads import *  # noqa: E402,F401,F403
from .components.wagtail import *  # noqa: E402,F401,F403
