"""Pages of a finance bureau: its workspace (units, progress, declarations to review) and its statistics."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from shop.core import dates, exports, jobs
from shop.institutions import bureaus, reports
from shop.institutions.forms import BureauFilterForm
from shop.institutions.models import Declaration

Region = get_model("catalogue", "Region")


class BureauMixin(LoginRequiredMixin):
    """Loads the bureau from the URL; anyone who is not one of its members (nor staff) gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.bureau = bureaus.bureau_for_member(request.user, kwargs["bureau"])
        return super().dispatch(request, *args, **kwargs)

    def filter_form(self) -> BureauFilterForm:
        prefix = self.bureau.region_prefix
        regions = Region.objects.filter(code__startswith=prefix).select_related("province", "parent")
        return BureauFilterForm(
            self.request.GET or None,
            cities=regions.filter(level=Region.Level.CITY),
            counties=regions.filter(level=Region.Level.COUNTY),
        )

    def year_and_filters(self, form) -> tuple[int, dict]:
        filters = form.cleaned_data if form.is_valid() else {}
        return filters.get("year") or dates.current_year(), filters


def _filtered(units: list, filters: dict) -> list:
    if filters.get("city"):
        units = [row for row in units if row.city is not None and row.city.code == filters["city"]]
    if filters.get("county"):
        units = [row for row in units if row.county is not None and row.county.code == filters["county"]]
    if filters.get("kind"):
        units = [row for row in units if row.organisation.kind == filters["kind"]]
    return units


class BureauWorkspaceView(BureauMixin, TemplateView):
    template_name = "institutions/bureau/workspace.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = self.filter_form()
        year, filters = self.year_and_filters(form)
        covered = bureaus.covered_ids(self.bureau)
        table = reports.statistics(covered, year=year)
        units = _filtered(table.units, filters)
        page = Paginator(units, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            bureau=self.bureau,
            form=form,
            year=year,
            table=table,
            shown=reports.sum_rows(_("Total shown"), units),
            units=page.object_list,
            page_obj=page,
            query=query.urlencode(),
            pending=Declaration.objects.filter(
                organisation_id__in=covered, status=Declaration.Status.SUBMITTED
            ).select_related("organisation", "submitted_by")[:200],
        )
        return ctx


class BureauExportView(BureauMixin, View):
    """The statistics table as XLSX or CSV, at once (regions of a few thousand units take seconds)."""

    def get(self, request, *args, fmt, **kwargs):
        form = self.filter_form()
        year, _filters = self.year_and_filters(form)
        table = reports.statistics(bureaus.covered_ids(self.bureau), year=year)
        return exports.download_response(
            reports.statistics_sheets(table),
            fmt=fmt,
            filename_stem=f"statistics-{self.bureau.region_id}-{year}",
        )


class BureauExportJobView(BureauMixin, View):
    """The statistics table prepared in the background; the progress page offers the file."""

    def post(self, request, *args, **kwargs):
        fmt = request.POST.get("format", "xlsx")
        if fmt not in exports.FORMATS:
            fmt = "xlsx"
        form = self.filter_form()
        year, _filters = self.year_and_filters(form)
        job = jobs.start(
            "institutions.bureau_statistics",
            requested_by=request.user,
            bureau_id=self.bureau.pk,
            year=year,
            fmt=fmt,
        )
        messages.info(request, _("The statistics table is being prepared."))
        return redirect("jobs:progress", pk=job.pk)
