"""Approval of organisation orders above the organisation's threshold."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.institutions import notifications
from shop.institutions.models import Membership, OrganisationOrder
from shop.order import statuses


def requires_approval(organisation, *, total: Decimal) -> bool:
    """An order needs approval when its total is above the organisation's threshold."""
    return organisation.approval_threshold is not None and total > organisation.approval_threshold


def can_approve(user, organisation_order: OrganisationOrder) -> bool:
    return (
        Membership.objects.filter(
            organisation_id=organisation_order.organisation_id, user=user, is_approver=True
        ).exists()
        and organisation_order.buyer_id != user.pk
    )


def approve(organisation_order: OrganisationOrder, *, approver) -> None:
    """Release the order for payment. An approver can never approve an order they placed."""
    with transaction.atomic():
        locked = _lock_pending(organisation_order, approver)
        locked.order.set_status(statuses.PENDING_PAYMENT)
        _decide(locked, approver, OrganisationOrder.Approval.APPROVED, "")
    notifications.order_decided(locked)


def reject(organisation_order: OrganisationOrder, *, approver, reason: str) -> None:
    """Cancel the order with a reason and release its stock."""
    if not reason.strip():
        raise InvalidInput(_("Please give a reason for the rejection."))
    with transaction.atomic():
        locked = _lock_pending(organisation_order, approver)
        locked.order.set_status(statuses.CANCELLED)
        for line in locked.order.lines.all():
            if line.num_allocated:
                line.cancel_allocation(line.num_allocated)
        _decide(locked, approver, OrganisationOrder.Approval.REJECTED, reason.strip())
    notifications.order_decided(locked)


def _lock_pending(organisation_order, approver) -> OrganisationOrder:
    locked = (
        OrganisationOrder.objects.select_for_update()
        .select_related("order", "organisation")
        .get(pk=organisation_order.pk)
    )
    if locked.buyer_id == approver.pk:
        raise NotPermitted(_("You cannot approve or reject an order you placed yourself."))
    if not Membership.objects.filter(
        organisation_id=locked.organisation_id, user=approver, is_approver=True
    ).exists():
        raise NotPermitted(_("Only an approver of this organisation can decide on its orders."))
    if (
        locked.approval != OrganisationOrder.Approval.PENDING
        or locked.order.status != statuses.AWAITING_APPROVAL
    ):
        raise InvalidState(_("This order is not awaiting approval."))
    return locked


def _decide(locked, approver, decision, reason):
    locked.approval = decision
    locked.decided_by = approver
    locked.decided_at = timezone.now()
    locked.rejection_reason = reason
    locked.save(update_fields=["approval", "decided_by", "decided_at", "rejection_reason"])
