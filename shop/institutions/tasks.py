"""The institutions' background jobs: the staff quota overview, exported whole."""

from django.utils.translation import gettext_lazy as _

from shop.core import jobs
from shop.institutions import reports


@jobs.export_job("institutions.overview_export", label=_("Organisations overview export"))
def export_overview(
    *, year: int, organisation_kind: str = "", region: str = "", sort: str = ""
) -> jobs.ExportFile:
    rows = reports.overview_rows(year=year, kind=organisation_kind, region=region, sort=sort)
    return jobs.ExportFile([reports.overview_sheet(rows)], f"organisations-{year}", total=len(rows))
