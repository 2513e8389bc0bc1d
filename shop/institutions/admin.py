from django.contrib import admin

from shop.institutions.models import (
    AnnualTarget,
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


# Declarations are changed only through their workflow (the declaration page, which shows their history).
@admin.register(FinanceBureau)
class FinanceBureauAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "region__name", "region__code"]
    raw_id_fields = ["region"]
    filter_horizontal = ["members"]


@admin.register(DeclarationDeadline)
class DeclarationDeadlineAdmin(admin.ModelAdmin):
    list_display = ["year", "deadline"]
