from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shop.institutions.models import (
    AnnualTarget,
    Declaration,
    DeclarationDeadline,
    FinanceBureau,
    LineRefund,
    Membership,
    Organisation,
    OrganisationOrder,
    PaymentRecord,
    YearSnapshot,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


class TargetInline(admin.TabularInline):
    model = AnnualTarget
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["region", "parent"]
    filter_horizontal = ["paired_counties"]
    inlines = [MembershipInline, TargetInline]


@admin.register(OrganisationOrder)
class OrganisationOrderAdmin(admin.ModelAdmin):
    list_display = ["order", "organisation", "purpose", "buyer", "approval"]
    list_filter = ["purpose", "approval"]
    raw_id_fields = ["order", "organisation", "buyer", "decided_by"]


admin.site.register(LineRefund, raw_id_fields=["line"])
admin.site.register(PaymentRecord, raw_id_fields=["order", "recorded_by"])
admin.site.register(YearSnapshot)


@admin.register(FinanceBureau)
class FinanceBureauAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "region__name", "region__code"]
    raw_id_fields = ["region"]
    filter_horizontal = ["members"]


@admin.register(DeclarationDeadline)
class DeclarationDeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["year", "deadline"]


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    """Read-only here: declarations change only through their workflow (the declaration page)."""

    list_display = ["organisation", "year", "declared_canteen_spending", "status", "share"]
    list_filter = ["status", "year"]
    search_fields = ["organisation__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
