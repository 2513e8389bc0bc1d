from django.conf import settings


def site_nav(request):
    """Values every page's header needs: the languages and whether online payment is on.

    The account menu (with the role workspaces) is a personal part: shop/caching/parts.py.
    """
    return {
        "LANGUAGES": settings.LANGUAGES,
        "stripe_enabled": bool(settings.STRIPE_SECRET_KEY),
    }
