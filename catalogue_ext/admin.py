from django.contrib import admin
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
