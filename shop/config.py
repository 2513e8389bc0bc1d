from django.urls import path
from oscar import config


class Shop(config.Shop):
    """Oscar's URL tree with the home page served by Wagtail instead of a redirect."""

    def get_urls(self):
        from wagtail import views as wagtail_views

        urls = [pattern for pattern in super().get_urls() if getattr(pattern, "name", None) != "home"]
        return [path("", wagtail_views.serve, {"path": ""}, name="home"), *urls]
