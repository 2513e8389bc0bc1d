from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DockingConfig(AppConfig):
    """Production–marketing docking (产销对接): demands, quotes, awards, trade-fair intents and reports."""

    name = "shop.docking"
    label = "docking"
    verbose_name = _("Production–marketing docking")
