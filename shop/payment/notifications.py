"""E-mails to the shop's staff about money events, sent once the transaction that caused them commits."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("aidmarket.payment")


def staff_addresses() -> list[str]:
    """Active staff who may change orders (they handle disputes and refunds in the dashboard)."""
    permission = Permission.objects.filter(content_type__app_label="order", codename="change_order").first()
    may_change = Q(is_superuser=True)
    if permission is not None:
        may_change |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    users = get_user_model().objects.filter(may_change, is_active=True, is_staff=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_to_staff(template: str, context: dict) -> None:
    """Render payment/email/<template>_subject.txt and _body.txt (in Chinese) and mail staff after commit."""
    recipients = staff_addresses()
    if not recipients:
        logger.warning("No staff address to send %s to", template)
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"payment/email/{template}_subject.txt", context).split())
        body = render_to_string(f"payment/email/{template}_body.txt", context)

    def send():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        logger.info("sent %s to %d staff recipient(s)", template, len(recipients))

    transaction.on_commit(send)
