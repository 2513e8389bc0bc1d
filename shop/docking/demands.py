"""A demand's life as its buyer and the county see it: post, open (matching sellers are told), cancel,
fulfil, expire, and a county officer's push. The status changes themselves go through transitions."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.core import dates
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.docking import matching, notifications, transitions
from shop.docking.models import Demand, DemandNotice, Status
from shop.institutions.models import Organisation
from shop.order import statuses
from shop.sellers.access import officer_county

# How long after the quote deadline a buyer may still award before the demand expires.
AWARD_WINDOW_DAYS = 14


def may_post_for(user, organisation: Organisation | None) -> bool:
    """Buyers post for an organisation they buy for; any registered user as an enterprise buyer."""
    if not user.is_authenticated:
        return False
    if organisation is None:
        return True
    return Organisation.objects.buying_for(user).filter(pk=organisation.pk).exists()


def may_manage(user, demand: Demand) -> bool:
    """The poster, or a buyer of the demand's organisation, opens, awards, cancels and fulfils it."""
    if not user.is_authenticated:
        return False
    if demand.posted_by_id == user.pk:
        return True
    return bool(demand.organisation_id) and (
        Organisation.objects.buying_for(user).filter(pk=demand.organisation_id).exists()
    )


def check(demand: Demand, *, today: datetime.date | None = None) -> None:
    """The demand's own rules, for a draft about to be saved or opened."""
    today = today or dates.today()
    if demand.price_min is not None and demand.price_max is not None and demand.price_min > demand.price_max:
        raise InvalidInput(_("The lowest target price is above the highest."))
    if demand.delivery_from and demand.delivery_until and demand.delivery_from > demand.delivery_until:
        raise InvalidInput(_("The delivery window ends before it starts."))
    if demand.quote_deadline and demand.quote_deadline < today:
        raise InvalidInput(_("The quote deadline has already passed."))
    if demand.quote_deadline and demand.delivery_until and demand.quote_deadline > demand.delivery_until:
        raise InvalidInput(_("The quote deadline must come before the end of the delivery window."))
    if demand.counts_toward_quota and not demand.organisation_id:
        raise InvalidInput(_("Only a demand posted for an organisation can count toward a quota."))
    if not demand.organisation_id and not demand.buyer_name.strip():
        raise InvalidInput(_("Please name the enterprise or market that is buying."))


def save_draft(demand: Demand, *, by) -> Demand:
    """Create or change a draft demand."""
    if demand.pk and demand.status != Status.DRAFT:
        raise InvalidState(_("Only a draft can be changed; this demand is already open."))
    if demand.pk and not may_manage(by, demand):
        raise NotPermitted(_("You may change only your own organisation's demands."))
    if not may_post_for(by, demand.organisation):
        raise NotPermitted(_("You do not buy for this organisation."))
    if not demand.pk:
        demand.posted_by = by
    check(demand)
    demand.save()
    return demand


def open_for_quotes(demand: Demand, *, by) -> int:
    """Publish the demand on the board and tell the matching sellers; returns how many were told."""
    if not may_manage(by, demand):
        raise NotPermitted(_("You may open only your own organisation's demands."))
    check(demand)
    with transaction.atomic():
        demand = transitions.move(demand, Status.OPEN)
        return _notify(demand, matching.matching_partners(demand))


def _notify(demand: Demand, partners, *, pushed_by=None) -> int:
    """Record a notice and mail each seller not told of this demand before."""
    told = set(DemandNotice.objects.filter(demand=demand).values_list("partner_id", flat=True))
    fresh = [partner for partner in partners if partner.pk not in told]
    DemandNotice.objects.bulk_create(
        [DemandNotice(demand=demand, partner=partner, pushed_by=pushed_by) for partner in fresh],
        ignore_conflicts=True,
    )
    for partner in fresh:
        notifications.demand_to_seller(demand, partner, pushed_by=pushed_by)
    return len(fresh)


def push(demand: Demand, partner, *, by) -> None:
    """A county officer points a seller of the county to an open demand."""
    county = officer_county(by)
    if county is None or partner.county_id != county.pk:
        raise NotPermitted(_("Officers push demands only to their own county's sellers."))
    if not Demand.objects.on_board().filter(pk=demand.pk).exists():
        raise InvalidState(_("This demand no longer takes quotes."))
    with transaction.atomic():
        if not _notify(demand, [partner], pushed_by=by):
            raise InvalidState(_("This seller has already been told of this demand."))


def cancel(demand: Demand, *, by) -> None:
    if not may_manage(by, demand):
        raise NotPermitted(_("You may cancel only your own organisation's demands."))
    transitions.move(demand, Status.CANCELLED)


def fulfil(demand: Demand, *, by) -> None:
    """Close an awarded demand once every award's order has been shipped or completed."""
    if not may_manage(by, demand):
        raise NotPermitted(_("You may close only your own organisation's demands."))
    with transaction.atomic():
        locked = transitions.lock(demand)
        awards = locked.awards.select_related("order")
        if not awards.exists():
            raise InvalidState(_("Nothing has been awarded yet."))
        if awards.exclude(order__status__in=(statuses.SHIPPED, statuses.COMPLETED)).exists():
            raise InvalidState(_("Some awarded orders have not been shipped yet."))
        transitions.move(demand, Status.FULFILLED)


def expire_lapsed(*, today: datetime.date | None = None) -> int:
    """Expire open demands past their quote deadline, and quoted ones never awarded within the award window.
    Safe to run any number of times (the daily run)."""
    today = today or dates.today()
    lapsed = Demand.objects.filter(
        Q(status=Status.OPEN, quote_deadline__lt=today)
        | Q(status=Status.QUOTING, quote_deadline__lt=today - datetime.timedelta(days=AWARD_WINDOW_DAYS))
    )
    expired = 0
    for demand in lapsed.only("pk", "status"):
        try:
            transitions.move(demand, Status.EXPIRED)
            expired += 1
        except (InvalidState, IntegrityError):  # awarded or cancelled meanwhile
            continue
    return expired
