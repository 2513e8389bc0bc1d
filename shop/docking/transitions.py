"""The demand state machine: the one place a demand's status changes.

    draft → open → quoting → partly awarded → awarded → fulfilled
    draft, open, quoting → cancelled;  open, quoting → expired

Every change goes through `move()`, which locks the demand row, checks that the transition is in
ALLOWED and only then writes; anything else raises InvalidState with the reason. The domain modules
(demands, quotes, awards) decide *when* to move; this module decides *whether* a move is legal.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.core.exceptions import InvalidState
from shop.docking.models import Demand, Status

ALLOWED: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.QUOTING, Status.EXPIRED, Status.CANCELLED}),
    Status.QUOTING: frozenset({Status.PARTLY_AWARDED, Status.AWARDED, Status.EXPIRED, Status.CANCELLED}),
    Status.PARTLY_AWARDED: frozenset({Status.PARTLY_AWARDED, Status.AWARDED, Status.FULFILLED}),
    Status.AWARDED: frozenset({Status.FULFILLED}),
    Status.FULFILLED: frozenset(),
    Status.EXPIRED: frozenset(),
    Status.CANCELLED: frozenset(),
}

CLOSED = (Status.FULFILLED, Status.EXPIRED, Status.CANCELLED)


def can_move(status: str, to: str) -> bool:
    return to in ALLOWED.get(status, frozenset())


def lock(demand: Demand) -> Demand:
    """The demand's row, locked until the end of the current transaction."""
    return Demand.objects.select_for_update().get(pk=demand.pk)


def move(demand: Demand, to: str) -> Demand:
    """Change the demand's status if the machine allows it; returns the locked, updated row."""
    with transaction.atomic():
        locked = lock(demand)
        if not can_move(locked.status, to):
            raise InvalidState(
                _("A demand that is “%(current)s” cannot become “%(to)s”.")
                % {"current": Status(locked.status).label, "to": Status(to).label}
            )
        locked.status = to
        fields = ["status"]
        if to == Status.OPEN:
            locked.opened_at = timezone.now()
            fields.append("opened_at")
        if to in CLOSED:
            locked.closed_at = timezone.now()
            fields.append("closed_at")
        locked.save(update_fields=fields)
    demand.status, demand.opened_at, demand.closed_at = locked.status, locked.opened_at, locked.closed_at
    return locked
