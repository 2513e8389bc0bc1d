"""Test clients of the storefront's signed-in visitors."""

from django.conf import settings
from django.test import Client


def signed_in(user, **kwargs) -> Client:
    """A client signed in as `user`, reading the English interface (the shop ignores Accept-Language)."""
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client
