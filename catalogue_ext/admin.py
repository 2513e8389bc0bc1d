from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.admin import *  # noqa: F401,F403

from catalogue_ext.models import ProductCertificate, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "is_poverty_county", "poverty_exit_year")
    list_filter = ("level", "is_poverty_county")
    search_fields = ("code", "name")


@admin.register(ProductCertificate)
class ProductCertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "product", "status", "issue_date", "expiry_date")
    list_filter = ("status",)
    raw_id_fields = ("product",)
    # The scan is private (no public URL): shown as a link to the permission-checked view, uploaded by sellers.
    exclude = ("scan",)
    readonly_fields = ("scan_link",)

    @admin.display(description=_("Certificate scan"))
    def scan_link(self, certificate):
        if not certificate.scan:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("sellers:certificate-scan", args=[certificate.pk]), _("View")
        )
