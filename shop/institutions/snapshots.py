"""Freezing a year: at year end staff fix each organisation's figures; reports of that year show them."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from shop.core import dates
from shop.core.exceptions import InvalidState, NotPermitted
from shop.institutions import ledger, quotas
from shop.institutions.models import YearSnapshot


def frozen(year: int):
    """The year's frozen figures, one row per organisation."""
    return YearSnapshot.objects.filter(year=year).select_related("organisation", "frozen_by")


def freeze_year(year: int, *, by) -> int:
    """Snapshot every organisation's figures for a year that has ended; already frozen organisations keep theirs."""
    if not by.is_staff:
        raise NotPermitted(_("Only staff freeze a year."))
    # A running year's figures still change with every paid order; freezing it would fix a partial total.
    if not dates.is_past_year(year):
        raise InvalidState(_("Only a year that has ended can be frozen."))
    with transaction.atomic():
        frozen = set(
            YearSnapshot.objects.select_for_update()
            .filter(year=year)
            .values_list("organisation_id", flat=True)
        )
        created = [
            YearSnapshot(
                organisation_id=pk,
                year=year,
                target=figures.target,
                counted=figures.counted,
                paired_counted=figures.paired_counted,
                rollup_target=figures.rollup_target,
                rollup_counted=figures.rollup_counted,
                by_purpose={key: str(value) for key, value in figures.by_purpose.items()},
                breakdowns={
                    by: [[label, str(amount)] for label, amount in rows]
                    for by, rows in quotas.all_breakdowns(figures.organisation, year=year).items()
                },
                frozen_by=by,
            )
            for pk, figures in quotas.progress_for_all(year=year).items()
            if pk not in frozen
        ]
        # With history, so the trail shows who froze each organisation's figures and when.
        bulk_create_with_history(created, YearSnapshot, default_user=by)
        # The frozen figures were counted live: bring the year's ledger rows to the same lines.
        ledger.schedule([snapshot.organisation_id for snapshot in created], [year])
    return len(created)
