"""Background jobs of the institutions app (shop/core/jobs.py): the finance bureau's statistics table and
the staff quota overview, exported whole; the quota ledger's refresh and its daily consistency check."""

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from shop.core import exports, jobs
from shop.institutions import bureaus, ledger, reports
from shop.institutions.models import FinanceBureau


@jobs.job_task("institutions.bureau_statistics", label=_("Finance bureau statistics table"))
def bureau_statistics_job(job, *, bureau_id: int, year: int, fmt: str) -> dict:
    """The bureau's statistics table as a file, for regions too large to export while the page waits."""
    bureau = FinanceBureau.objects.select_related("region").get(pk=bureau_id)
    jobs.report(job, done=0, total=3)
    ids = bureaus.covered_ids(bureau)
    jobs.report(job, done=1, total=3)
    table = reports.statistics(ids, year=year)
    jobs.report(job, done=2, total=3)
    content = exports.render(reports.statistics_sheets(table), fmt)
    jobs.attach_file(job, exports.safe_filename(f"statistics-{bureau.region_id}-{year}", fmt), content)
    jobs.report(job, done=3, total=3)
    return {"units": len(table.units)}


@jobs.export_job("institutions.overview_export", label=_("Organisations overview export"))
def export_overview(
    *, year: int, organisation_kind: str = "", region: str = "", sort: str = ""
) -> jobs.ExportFile:
    rows = reports.overview_rows(year=year, kind=organisation_kind, region=region, sort=sort)
    return jobs.ExportFile([reports.overview_sheet(rows)], f"organisations-{year}", total=len(rows))


@shared_task(acks_late=True)
def refresh_ledger_task(pairs: list[list[int]]) -> None:
    """Recompute the quota ledger rows of these [organisation, year] pairs (queued at commit)."""
    ledger.refresh((organisation_id, year) for organisation_id, year in pairs)


@jobs.job_task("institutions.check_ledger", label=_("Quota ledger consistency check"), staff_can_start=True)
def check_ledger_job(job) -> dict:
    return ledger.check(progress=lambda n: None)


@shared_task(acks_late=True)
def check_quota_ledger() -> int:
    """The nightly check, as a job on the operators' list."""
    return jobs.start("institutions.check_ledger").pk
