from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellersConfig(AppConfig):
    """County sellers: applications, county officers, help-sell flags, fulfilment and seller reports."""

    name = "shop.sellers"
    label = "sellers"
    verbose_name = _("Sellers")
