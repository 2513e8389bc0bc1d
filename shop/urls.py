from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from shop.sitemaps import sitemaps

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("payment/", include("shop.payment.urls")),  # online payment (Stripe), issue 7
    path(
        "dashboard/institutions/", include("shop.institutions.dashboard_urls")
    ),  # institutional buyers, issue 3
    path("organisations/", include("shop.institutions.urls")),  # institutional buyers, issue 3
    path("sellers/", include("shop.sellers.urls")),  # county sellers, issue 4
    path("jobs/", include("shop.core.urls")),
    path("dashboard/jobs/", include("shop.core.dashboard_urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every path the shop does not claim: it must come last.
urlpatterns += [path("", include(wagtail_urls))]
