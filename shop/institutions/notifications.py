"""E-mails about organisation orders, sent after the transaction that caused them commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from shop.institutions.models import Membership


def approval_requested(organisation_order) -> None:
    """Tell the buyer the order waits for approval, and the organisation's approvers that it does."""
    order = organisation_order.order
    approvers = list(
        Membership.objects.filter(organisation=organisation_order.organisation, is_approver=True)
        .exclude(user=organisation_order.buyer)
        .values_list("user__email", flat=True)
    )
    subject = _("Order %(number)s for %(organisation)s awaits approval") % {
        "number": order.number,
        "organisation": organisation_order.organisation.name,
    }
    body = _(
        "Order %(number)s (total ¥%(total)s) placed by %(buyer)s for %(organisation)s is above the approval "
        "threshold and waits for an approver."
    ) % {
        "number": order.number,
        "total": order.total_incl_tax,
        "buyer": organisation_order.buyer.email,
        "organisation": organisation_order.organisation.name,
    }
    _send(subject, body, [organisation_order.buyer.email, *approvers])


def order_decided(organisation_order) -> None:
    order = organisation_order.order
    if organisation_order.approval == organisation_order.Approval.APPROVED:
        subject = _("Order %(number)s was approved") % {"number": order.number}
        body = _("Order %(number)s was approved by %(approver)s and can now be paid.") % {
            "number": order.number,
            "approver": organisation_order.decided_by.email,
        }
    else:
        subject = _("Order %(number)s was rejected") % {"number": order.number}
        body = _("Order %(number)s was rejected by %(approver)s: %(reason)s") % {
            "number": order.number,
            "approver": organisation_order.decided_by.email,
            "reason": organisation_order.rejection_reason,
        }
    _send(subject, body, [organisation_order.buyer.email, organisation_order.decided_by.email])


def _send(subject, body, recipients):
    recipients = sorted({email for email in recipients if email})
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
        )
