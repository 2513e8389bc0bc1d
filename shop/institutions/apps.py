from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    """Organisations that buy for their unit, their members, targets, quota counting and reports."""

    name = "shop.institutions"
    label = "institutions"
    verbose_name = _("Institutional buyers")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from oscar.apps.order.signals import order_line_status_changed, order_status_changed
        from oscar.core.loading import get_model

        from shop.institutions import ledger, models, quotas

        # The cached standings (quotas.standing) follow every write to what they are computed from.
        for model in (
            get_model("order", "Order"),
            get_model("order", "Line"),
            models.OrganisationOrder,
            models.LineRefund,
            models.LineAcceptance,
            models.AnnualTarget,
            models.YearSnapshot,
            models.Organisation,
        ):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    quotas.ledger_changed,
                    sender=model,
                    dispatch_uid=f"quota-ledger-{model._meta.label}-{name}",
                )
        m2m_changed.connect(
            quotas.ledger_changed,
            sender=models.Organisation.paired_counties.through,
            dispatch_uid="quota-ledger-paired-counties",
        )
        # The stored ledger rows: Oscar's dashboard and set_status() change order and line statuses in
        # code we do not own.
        order_status_changed.connect(ledger.order_status_changed, dispatch_uid="institutions-ledger-order")
        order_line_status_changed.connect(
            ledger.order_line_status_changed, dispatch_uid="institutions-ledger-line"
        )
