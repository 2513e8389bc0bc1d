"""Who hears about a seller's business. The mails themselves go out through shop.core.mail."""

from django.contrib.auth import get_user_model


def seller_addresses(partners) -> list[str]:
    """The e-mail addresses of everyone working for these sellers."""
    return list(
        get_user_model()
        .objects.filter(partners__in=partners, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
