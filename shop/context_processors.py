from django.conf import settings


def site_nav(request):
    """Values every page's header needs: languages and whether online payment is on."""
    return {
        "LANGUAGES": settings.LANGUAGES,
        "stripe_enabled": bool(settings.STRIPE_SECRET_KEY),
    }
