from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor's tables: background jobs and the outgoing mail they send."""

    name = "shop.core"
    label = "core"
    verbose_name = _("Background work")
