"""Background jobs of the institutions app (shop/core/jobs.py)."""

from django.utils.translation import gettext_lazy as _

from shop.core import exports, jobs
from shop.institutions import bureaus, reports
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
