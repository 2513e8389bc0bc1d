from django.apps import AppConfig


class ShopConfig(AppConfig):
    """Project-wide pieces: template tags, context processors, site-wide templates."""

    name = "shop"
    label = "aidmarket"
    verbose_name = "Aidmarket"
