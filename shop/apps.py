from django.apps import AppConfig


class ShopConfig(AppConfig):
    """Project-wide pieces: demo data loading, template tags, context processors."""

    name = "shop"
    label = "aidmarket"
    verbose_name = "Aidmarket"
