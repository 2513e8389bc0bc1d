import re

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path, register_converter
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from shop.core import exports
from shop.customer.views import address_regions
from shop.sitemaps import sitemaps

# Export URLs end in `.<export_format:fmt>`: csv or xlsx, anything else does not match (404).
register_converter(exports.FormatConverter, "export_format")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("payment/", include("shop.payment.urls")),  # online payment (Stripe)
    path("dashboard/institutions/", include("shop.institutions.dashboard_urls")),  # institutional buyers
    path("organisations/", include("shop.institutions.urls")),  # institutional buyers
    path("sellers/", include("shop.sellers.urls")),  # county sellers
    path("docking/", include("shop.docking.urls")),  # production–marketing docking (产销对接)
    path("jobs/", include("shop.core.urls")),
    path("addresses/regions/", address_regions, name="address-regions"),  # 省/市/区 cascade
    path("dashboard/jobs/", include("shop.core.dashboard_urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # static() does nothing without DEBUG; SERVE_MEDIA (bench, Lighthouse) needs the view itself.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Wagtail serves every path the shop does not claim: it must come last.
urlpatterns += [path("", include(wagtail_urls))]
