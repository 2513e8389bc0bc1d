from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    """Organisations that buy for their unit, their members, targets, quota counting and reports."""

    name = "shop.institutions"
    label = "institutions"
    verbose_name = _("Institutional buyers")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        # Oscar's dashboard and set_status() change order and line statuses in code we do not own.
        from oscar.apps.order.signals import order_line_status_changed, order_status_changed

        from shop.institutions import ledger

        order_status_changed.connect(ledger.order_status_changed, dispatch_uid="institutions-ledger-order")
        order_line_status_changed.connect(
            ledger.order_line_status_changed, dispatch_uid="institutions-ledger-line"
        )
