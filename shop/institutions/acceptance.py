"""Acceptance (验收): the buying unit confirms, line by line, what it received of an organisation order.

Until a line is accepted it counts provisionally, in full (less refunds), and reports show how much of
the counted value still awaits acceptance; once accepted, only the accepted quantity counts
(quotas.counted_lines). The quota year stays the year the order was placed: acceptance confirms
that purchase, it does not move it to another year.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.core import dates
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.institutions import ledger
from shop.institutions.models import LineAcceptance, Membership, OrganisationOrder
from shop.order import statuses

Line = get_model("order", "Line")


def can_accept(user, link: OrganisationOrder) -> bool:
    """Members of the organisation the order was placed for, and no one else (not staff, not units above)."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation=link.organisation).exists()
    )


def acceptable_lines(order):
    """The lines that can be accepted: the order is paid (not refunded) and the line is not cancelled."""
    if order.status not in statuses.PAID_STATUSES or order.status == statuses.REFUNDED:
        return Line.objects.none()
    return order.lines.exclude(status=statuses.LINE_CANCELLED).order_by("pk")


def accept(link: OrganisationOrder, *, by, quantities: dict[int, tuple[int, str]]) -> list[LineAcceptance]:
    """Record (or correct) the accepted quantity and the shortfall note of each given line."""
    if not can_accept(by, link):
        raise NotPermitted(_("Only members of the buying organisation confirm receipt."))
    lines = {line.pk: line for line in acceptable_lines(link.order)}
    if not lines:
        raise InvalidState(_("Only a paid order's lines can be accepted."))
    saved = []
    with transaction.atomic():
        for line_pk, (quantity, note) in quantities.items():
            line = lines.get(line_pk)
            if line is None:
                raise InvalidInput(_("This line cannot be accepted."))
            if not 0 <= quantity <= line.quantity:
                raise InvalidInput(
                    _("The accepted quantity of %(title)s must be between 0 and %(quantity)s.")
                    % {"title": line.title, "quantity": line.quantity}
                )
            if quantity < line.quantity and not note.strip():
                raise InvalidInput(
                    _("Describe the shortfall or damage of %(title)s.") % {"title": line.title}
                )
            acceptance, _created = LineAcceptance.objects.update_or_create(
                line=line,
                defaults={
                    "accepted_quantity": quantity,
                    "note": note.strip(),
                    "accepted_by": by,
                    "accepted_at": dates.now(),
                },
            )
            saved.append(acceptance)
        ledger.schedule([link.organisation_id], [dates.year_of(link.order.date_placed)])
    return saved
