from django.conf import settings
from django.utils.functional import SimpleLazyObject

from shop import account_menu


def site_nav(request):
    """Values every page's header needs: languages, whether online payment is on, the role workspaces.

    `workspaces` is lazy: computed (one query) only when a template shows the account menu.
    """
    user = getattr(request, "user", None)
    return {
        "LANGUAGES": settings.LANGUAGES,
        "stripe_enabled": bool(settings.STRIPE_SECRET_KEY),
        "workspaces": SimpleLazyObject(lambda: account_menu.workspaces(user) if user else []),
    }
