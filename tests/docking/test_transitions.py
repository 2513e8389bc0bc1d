"""The demand state machine: every allowed and every refused transition, through transitions.move()."""

import itertools

import pytest

from shop.core.exceptions import InvalidState
from shop.docking import transitions
from shop.docking.models import Demand, Status

ALLOWED = {
    (Status.DRAFT, Status.OPEN),
    (Status.DRAFT, Status.CANCELLED),
    (Status.OPEN, Status.QUOTING),
    (Status.OPEN, Status.EXPIRED),
    (Status.OPEN, Status.CANCELLED),
    (Status.QUOTING, Status.PARTLY_AWARDED),
    (Status.QUOTING, Status.AWARDED),
    (Status.QUOTING, Status.EXPIRED),
    (Status.QUOTING, Status.CANCELLED),
    (Status.PARTLY_AWARDED, Status.PARTLY_AWARDED),
    (Status.PARTLY_AWARDED, Status.AWARDED),
    (Status.PARTLY_AWARDED, Status.FULFILLED),
    (Status.AWARDED, Status.FULFILLED),
}
EVERY_PAIR = list(itertools.product(Status.values, Status.values))


def test_the_machine_allows_exactly_the_documented_transitions():
    allowed = {(start, end) for start, end in EVERY_PAIR if transitions.can_move(start, end)}

    assert allowed == ALLOWED


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), sorted(ALLOWED))
def test_an_allowed_transition_changes_the_status(docking, start, end):
    demand = docking.demand(status=start)

    transitions.move(demand, end)

    demand.refresh_from_db()
    assert demand.status == end
    assert (demand.opened_at is not None) == (end == Status.OPEN)
    assert (demand.closed_at is not None) == (end in transitions.CLOSED)


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), sorted(set(EVERY_PAIR) - ALLOWED))
def test_a_refused_transition_raises_and_changes_nothing(docking, start, end):
    demand = docking.demand(status=start)

    with pytest.raises(InvalidState) as refusal:
        transitions.move(demand, end)

    assert Demand.objects.get(pk=demand.pk).status == start
    assert "不能变为" in str(refusal.value.message)  # "cannot become", in the shop's language
