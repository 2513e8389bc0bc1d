"""E-mails about organisation orders (templates in institutions/email/), sent through shop.core.mail."""

from shop.core import mail
from shop.institutions.models import Membership


def approval_requested(organisation_order) -> None:
    """Tell the buyer the order waits for approval, and the organisation's approvers that it does."""
    order = organisation_order.order
    approvers = list(
        Membership.objects.filter(organisation=organisation_order.organisation, is_approver=True)
        .exclude(user=organisation_order.buyer)
        .values_list("user__email", flat=True)
    )
    mail.send(
        [organisation_order.buyer.email, *approvers],
        template="institutions/email/approval_requested",
        context={
            "number": order.number,
            "total": order.total_incl_tax,
            "buyer": organisation_order.buyer.email,
            "organisation": organisation_order.organisation.name,
        },
        key=f"approval-requested:{order.number}",
    )


def order_decided(organisation_order) -> None:
    """Tell the buyer and the approver how the order was decided."""
    order = organisation_order.order
    mail.send(
        [organisation_order.buyer.email, organisation_order.decided_by.email],
        template="institutions/email/order_decided",
        context={
            "approved": organisation_order.approval == organisation_order.Approval.APPROVED,
            "number": order.number,
            "approver": organisation_order.decided_by.email,
            "reason": organisation_order.rejection_reason,
        },
        key=f"order-decided:{order.number}",
    )
