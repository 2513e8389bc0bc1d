from django.contrib import admin
from oscar.apps.payment.admin import *  # noqa: F401,F403

from shop.payment.models import Dispute, DisputeEvent, OnlinePayment, Refund, RefundLine, WebhookEvent


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    raw_id_fields = ("line",)
    extra = 0


@admin.register(OnlinePayment)
class OnlinePaymentAdmin(admin.ModelAdmin):
    list_display = ("intent_id", "order", "amount", "currency", "status", "method_type", "created_at")
    list_filter = ("status", "method_type")
    search_fields = ("intent_id", "order__number")
    raw_id_fields = ("order",)


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "order",
        "kind",
        "amount",
        "status",
        "stripe_refund_id",
        "requested_at",
        "confirmed_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("stripe_refund_id", "order__number")
    raw_id_fields = ("order", "payment", "requested_by", "dispute")
    inlines = [RefundLineInline]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "received_at")
    search_fields = ("event_id",)


class DisputeEventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    readonly_fields = ("event_id", "type", "status", "amount", "happened_at", "received_at")


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("stripe_dispute_id", "order", "amount", "reason", "status", "outcome", "funds_withdrawn")
    list_filter = ("status", "outcome", "funds_withdrawn")
    search_fields = ("stripe_dispute_id", "charge_id", "order__number")
    raw_id_fields = ("order", "payment")
    inlines = [DisputeEventInline]
