"""E-mails to the shop's staff about money events, sent once the transaction that caused them commits."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from shop.core import mail

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
    """Mail staff payment/email/<template>_subject.txt and _body.txt, in Chinese, through the one mail helper."""
    recipients = staff_addresses()
    if not recipients:
        logger.warning("No staff address to send %s to", template)
        return
    mail.send(recipients, template=f"payment/email/{template}", context=context)
