"""Staff pages in Oscar's dashboard: organisations, targets, overview, bank transfers, freezing, impact."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView
from oscar.core.loading import get_model

from shop.core import dates, exports, history
from shop.core.exceptions import DomainError
from shop.core.views import export_or_queue
from shop.docking import intents as docking_intents
from shop.institutions import impact, payments, reports, snapshots
from shop.institutions.forms import OrganisationForm, OverviewFilterForm, PaymentRecordForm, TargetForm
from shop.institutions.models import AnnualTarget, Organisation, YearSnapshot
from shop.institutions.views import requested_year

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Region = get_model("catalogue", "Region")


@method_decorator(staff_member_required, name="dispatch")
class StaffView(View):
    pass


class OverviewView(StaffView, TemplateView):
    """All organisations with target, counted and share reached; filter, sort, export."""

    template_name = "institutions/dashboard/overview.html"

    def post(self, request, *args, **kwargs):
        """Queue the export of a large overview (the button export_or_queue offers)."""
        return self.get(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = OverviewFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        year = filters.get("year") or dates.current_year()
        options = {key: filters.get(key) or "" for key in ("kind", "region", "sort")}
        if "format" in request.GET:
            return export_or_queue(
                request,
                export_kind="institutions.overview_export",
                fmt=request.GET["format"],
                rows=reports.overview_count(year=year, kind=options["kind"], region=options["region"]),
                download=lambda: exports.download_response(
                    [reports.overview_sheet(reports.overview_rows(year=year, **options))],
                    fmt=request.GET["format"],
                    filename_stem=f"organisations-{year}",
                ),
                year=year,
                organisation_kind=options["kind"],
                region=options["region"],
                sort=options["sort"],
            )
        overview = reports.overview(year=year, page=request.GET.get("page"), **options)
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                year=year,
                rows=overview.rows,
                page_obj=overview.page,
                total=overview.total,
                totals=overview.totals,
                query=query.urlencode(),
                region_choices=Region.objects.provinces(),
            )
        )


class OrganisationCreateView(StaffView, CreateView):
    model = Organisation
    form_class = OrganisationForm
    template_name = "institutions/dashboard/organisation_form.html"

    def get_success_url(self):
        messages.success(self.request, _("Organisation saved."))
        return reverse("institutions-dashboard:organisation", kwargs={"pk": self.object.pk})


class OrganisationUpdateView(OrganisationCreateView, UpdateView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["targets"] = self.object.targets.all()
        ctx["current_year"] = dates.current_year()
        ctx["target_history"] = AnnualTarget.history.filter(organisation_id=self.object.pk)
        ctx["describe_target"] = history.describe_by("year")
        ctx["target_form"] = kwargs.get("target_form") or TargetForm(
            organisation=self.object, initial={"year": dates.current_year()}
        )
        return ctx


class TargetCreateView(StaffView):
    def post(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk)
        instance = None
        if request.POST.get("target"):
            instance = get_object_or_404(AnnualTarget, organisation=organisation, pk=request.POST["target"])
        form = TargetForm(request.POST, instance=instance, organisation=organisation)
        if form.is_valid():
            form.save()
            messages.success(request, _("Target saved."))
            return redirect("institutions-dashboard:organisation", pk=pk)
        view = OrganisationUpdateView()
        view.setup(request, pk=pk)
        view.object = organisation
        response = view.render_to_response(
            view.get_context_data(form=OrganisationForm(instance=organisation), target_form=form)
        )
        response.status_code = 400
        return response


class PaymentListView(StaffView, TemplateView):
    template_name = "institutions/dashboard/payments.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["orders"] = payments.awaiting_bank_transfer().select_related(
            "organisation_link__organisation", "user"
        )
        return ctx


class PaymentRecordView(StaffView, TemplateView):
    template_name = "institutions/dashboard/payment_record.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["order"] = self.order
        ctx["records"] = self.order.bank_payments.all()
        ctx["form"] = kwargs.get("form") or PaymentRecordForm(
            initial={"amount": self.order.total_incl_tax, "paid_on": dates.today()}
        )
        return ctx

    def dispatch(self, request, *args, number, **kwargs):
        self.order = get_object_or_404(Order, number=number)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = PaymentRecordForm(request.POST)
        if form.is_valid():
            try:
                payments.record_bank_transfer(self.order, recorded_by=request.user, **form.cleaned_data)
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Payment recorded for order %s.") % self.order.number)
                return redirect("institutions-dashboard:payments")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class FreezeYearView(StaffView, TemplateView):
    """A year's freeze: how many organisations are frozen, the button, and who froze what when."""

    template_name = "institutions/dashboard/freeze.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # By default the year just ended: the one staff freeze.
        year = requested_year(self.request) if "year" in self.request.GET else dates.current_year() - 1
        ctx["year"] = year
        ctx["frozen_count"] = snapshots.frozen(year).count()
        ctx["snapshot_history"] = YearSnapshot.history.filter(year=year)
        return ctx

    def post(self, request):
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, _("Choose a year to freeze."))
            return redirect("institutions-dashboard:overview")
        try:
            created = snapshots.freeze_year(year, by=request.user)
        except DomainError as refusal:
            messages.error(request, refusal.message)
            return redirect("institutions-dashboard:overview")
        messages.success(
            request, _("%(count)d organisations frozen for %(year)d.") % {"count": created, "year": year}
        )
        return redirect(f"{reverse('institutions-dashboard:overview')}?year={year}")


class ImpactView(StaffView, TemplateView):
    template_name = "institutions/dashboard/impact.html"

    def get(self, request, *args, **kwargs):
        year = requested_year(request)
        data = impact.impact(year=year)
        if "format" in request.GET:
            return exports.download_response(
                impact.sheets(data), fmt=request.GET["format"], filename_stem=f"impact-{year}"
            )
        charts = {}
        for by, rows in data.breakdowns.items():
            peak = max((amount for _key, amount in rows), default=0)
            charts[by] = [
                {"label": key, "amount": amount, "percent": int(amount / peak * 100) if peak else 0}
                for key, amount in rows[:30]
            ]
        year_intents = docking_intents.for_year(year)
        return self.render_to_response(
            self.get_context_data(
                year=year,
                impact=data,
                charts=charts,
                intent_totals=docking_intents.totals(year_intents),
                intents_by_county=docking_intents.totals_by_county(year_intents),
            )
        )
