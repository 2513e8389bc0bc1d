from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    """Organisations that buy for their unit, their members, targets, quota counting and reports."""

    name = "shop.institutions"
    label = "institutions"
    verbose_name = _("Institutional buyers")
    default_auto_field = "django.db.models.AutoField"
