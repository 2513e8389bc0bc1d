"""E-mails to applicants, sellers and customers. One place so that every message goes out the same way."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("aidmarket.sellers")


def send(recipients, template: str, context: dict) -> None:
    """Render sellers/email/<template>_subject.txt and _body.txt and send them (in Chinese)."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"sellers/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"sellers/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    logger.info("sent %s to %d recipient(s)", template, len(addresses))


def seller_addresses(partners) -> list[str]:
    """The e-mail addresses of everyone working for these sellers."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(partners__in=partners, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
