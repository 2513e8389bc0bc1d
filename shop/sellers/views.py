from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from oscar.core.loading import get_model

from catalogue_ext import certification
from shop.core import exports, files, jobs
from shop.core.exceptions import DomainError, NotPermitted
from shop.core.views import export_or_queue
from shop.order import statuses
from shop.sellers import catalogue_io, fulfilment, helpsell, listings, onboarding, reports
from shop.sellers.access import (
    CountyOfficerRequiredMixin,
    SellerRequiredMixin,
    StaffRequiredMixin,
    may_see_certificate,
    officer_county,
)
from shop.sellers.forms import (
    CertificateForm,
    HelpSellForm,
    ImportForm,
    SellerApplicationForm,
    ShipForm,
    county_decision_form,
    staff_decision_form,
)
from shop.sellers.models import HelpSellFlag, SellerApplication

ProductCertificate = get_model("catalogue", "ProductCertificate")
Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")

IMPORT_SESSION_KEY = "sellers_import"
# A refused file, kept (like a checked one, for two hours) so that its row errors can be downloaded.
IMPORT_ERRORS_SESSION_KEY = "sellers_import_errors"


def refuse_foreign(request, field: str, allowed) -> None:
    """404 when a POST names an object (by primary key) that is not among the user's own."""
    posted = {value for value in request.POST.getlist(field) if value}
    if posted and not posted <= {str(pk) for pk in allowed.values_list("pk", flat=True)}:
        raise Http404


# --- Public ---------------------------------------------------------------------------------------------


class ApplyView(LoginRequiredMixin, generic.CreateView):
    """The public "become a seller" application (any registered user may apply)."""

    form_class = SellerApplicationForm
    template_name = "sellers/apply.html"

    def form_valid(self, form):
        form.instance.applicant = self.request.user
        self.object = form.save()
        onboarding.submitted(self.object)
        messages.success(self.request, _("Thank you. Your application has been sent to your county."))
        return HttpResponseRedirect(reverse("sellers:my-applications"))


class MyApplicationsView(LoginRequiredMixin, generic.ListView):
    template_name = "sellers/my_applications.html"
    context_object_name = "applications"

    def get_queryset(self):
        return SellerApplication.objects.filter(applicant=self.request.user).select_related("county")


class HelpSellListView(generic.ListView):
    """Public listing of products whose sellers asked for help selling a surplus."""

    template_name = "sellers/help_sell_list.html"
    context_object_name = "products"
    paginate_by = 24

    def get_queryset(self):
        return helpsell.products_needing_help().for_cards().order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        running = {
            flag.product_id: flag
            for flag in HelpSellFlag.objects.active().filter(
                product__in=[product.pk for product in context["products"]]
            )
        }
        for product in context["products"]:
            product.help_sell_flag = running.get(product.pk)
        return context


# --- Seller -----------------------------------------------------------------------------------------------


class SellerHomeView(SellerRequiredMixin, generic.TemplateView):
    template_name = "sellers/seller_home.html"

    def get_context_data(self, **kwargs):
        stock = listings.stock_of(self.request.user)
        return super().get_context_data(
            partners=self.partners,
            low_stock=[record for record in stock if record.is_low],
            pending_lines=fulfilment.lines_for(self.request.user)
            .filter(status=statuses.LINE_PENDING)
            .count(),
            **kwargs,
        )


class StockView(SellerRequiredMixin, generic.ListView):
    template_name = "sellers/stock.html"
    context_object_name = "records"
    paginate_by = 100

    def get_queryset(self):
        return listings.stock_of(self.request.user)


class ImportView(SellerRequiredMixin, generic.FormView):
    """Step 1 uploads and shows the dry-run report; step 2 applies exactly the file that was checked."""

    form_class = ImportForm
    template_name = "sellers/import.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partners": self.partners}

    def get_context_data(self, **kwargs):
        partner = self.partners[0] if len(self.partners) else None
        guide = catalogue_io.column_guide(partner) if partner else []
        waiting = catalogue_io.waiting(self.request.session.get(IMPORT_SESSION_KEY), user=self.request.user)
        return super().get_context_data(
            column_guide=guide, max_rows=catalogue_io.MAX_ROWS, waiting=waiting, **kwargs
        )

    def post(self, request, *args, **kwargs):
        refuse_foreign(request, "partner", self.partners)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload, partner = form.cleaned_data["file"], form.cleaned_data["partner"]
        data = upload.read()
        try:
            rows = catalogue_io.read_rows(data, upload.name)
        except catalogue_io.ImportRefused as refusal:
            form.add_error("file", str(refusal))
            return self.form_invalid(form)
        result = catalogue_io.plan(partner, rows, user=self.request.user)
        session, user = self.request.session, self.request.user
        catalogue_io.forget(session.pop(IMPORT_SESSION_KEY, None), user=user)
        catalogue_io.forget(session.pop(IMPORT_ERRORS_SESSION_KEY, None), user=user)
        staged = catalogue_io.stage(data, upload.name, partner=partner, user=user)
        digest = ""
        if result.is_valid:
            session[IMPORT_SESSION_KEY] = staged.token
            digest = staged.digest
        else:
            session[IMPORT_ERRORS_SESSION_KEY] = staged.token
        return self.render_to_response(
            self.get_context_data(
                form=form,
                plan=result,
                digest=digest,
                creates=result.count("create"),
                updates=result.count("update"),
                unchanged=result.count("unchanged"),
            )
        )


class ImportErrorsView(SellerRequiredMixin, generic.View):
    """The row errors of the user's last refused file, as a spreadsheet to fix it by (checked again from
    the kept file, so the list is exactly what the dry run showed)."""

    def get(self, request, file_format):
        try:
            staged_import, data = catalogue_io.staged(
                request.session.get(IMPORT_ERRORS_SESSION_KEY), user=request.user
            )
            rows = catalogue_io.read_rows(data, staged_import.original_name)
        except catalogue_io.ImportRefused as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(reverse("sellers:import"))
        result = catalogue_io.plan(staged_import.partner, rows, user=request.user)
        return exports.download_response(
            [catalogue_io.errors_sheet(result.errors)], fmt=file_format, filename_stem="import-errors"
        )


class ImportApplyView(SellerRequiredMixin, generic.View):
    """Queue the checked file's import and show its progress; a refusal or an unreachable queue keeps the
    checked file waiting on the import page."""

    def post(self, request):
        try:
            job = catalogue_io.queue_apply(
                request.session.get(IMPORT_SESSION_KEY),
                user=request.user,
                digest=request.POST.get("digest", ""),
            )
            jobs.check_queued(job)
        except (catalogue_io.ImportRefused, jobs.QueueUnavailable) as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(reverse("sellers:import"))
        request.session.pop(IMPORT_SESSION_KEY, None)
        return HttpResponseRedirect(reverse("jobs:progress", kwargs={"pk": job.pk}))


class ExportView(SellerRequiredMixin, generic.View):
    """The whole catalogue: written at once when small, by a background job when large."""

    def get(self, request, partner_pk, file_format):
        partner = get_object_or_404(self.partners, pk=partner_pk)
        return export_or_queue(
            request,
            export_kind="sellers.catalogue_export",
            fmt=file_format,
            rows=catalogue_io.catalogue_size(partner),
            download=lambda: exports.download_response(
                [catalogue_io.export_sheet(partner)], fmt=file_format, filename_stem=f"catalogue-{partner.pk}"
            ),
            partner=partner.pk,
        )

    post = get


class ImportTemplateView(SellerRequiredMixin, generic.View):
    """A file to fill in; the XLSX one explains every column on a second sheet."""

    def get(self, request, partner_pk, file_format):
        partner = get_object_or_404(self.partners, pk=partner_pk)
        sheets = catalogue_io.template_sheets(partner, with_guide=file_format == "xlsx")
        return exports.download_response(sheets, fmt=file_format, filename_stem="catalogue-template")


class SellerCertificateListView(SellerRequiredMixin, generic.ListView):
    template_name = "sellers/certificates.html"
    context_object_name = "certificates"

    def get_queryset(self):
        return ProductCertificate.objects.filter(
            product__in=listings.products_of(self.request.user)
        ).select_related("product")


class CertificateSubmitView(SellerRequiredMixin, generic.CreateView):
    form_class = CertificateForm
    template_name = "sellers/certificate_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "products": listings.products_of(self.request.user)}

    def post(self, request, *args, **kwargs):
        refuse_foreign(request, "product", listings.products_of(request.user))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            certification.submit(form.instance, seller_user=self.request.user)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Certificate submitted for review."))
        return HttpResponseRedirect(reverse("sellers:certificates"))


class OrderLineListView(SellerRequiredMixin, generic.ListView):
    """The seller's own order lines, never other sellers' lines of the same orders."""

    template_name = "sellers/order_lines.html"
    context_object_name = "lines"
    paginate_by = 50

    def get_queryset(self):
        lines = fulfilment.lines_for(self.request.user)
        if self.request.GET.get("status") in (statuses.LINE_PENDING, statuses.LINE_SHIPPED):
            lines = lines.filter(status=self.request.GET["status"])
        return lines


class ShipView(SellerRequiredMixin, generic.FormView):
    form_class = ShipForm
    template_name = "sellers/ship.html"

    def get_lines(self):
        lines = fulfilment.lines_for(self.request.user).filter(order__number=self.kwargs["number"])
        if not lines.exists():
            raise Http404
        return lines

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "lines": self.get_lines()}

    def post(self, request, *args, **kwargs):
        refuse_foreign(request, "lines", self.get_lines())
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        lines = self.get_lines()
        order = lines[0].order
        return super().get_context_data(
            order=order, own_lines=lines, payment_hold=fulfilment.hold_reason(order), **kwargs
        )

    def form_valid(self, form):
        try:
            fulfilment.mark_shipped(
                form.cleaned_data["lines"],
                by=self.request.user,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Marked as shipped; the customer has been told."))
        return HttpResponseRedirect(reverse("sellers:order-lines"))


class HelpSellFlagListView(SellerRequiredMixin, generic.ListView):
    template_name = "sellers/help_sell_flags.html"
    context_object_name = "flags"

    def get_queryset(self):
        return (
            HelpSellFlag.objects.filter(product__in=listings.products_of(self.request.user))
            .select_related("product")
            .order_by("-created_at")
        )

    def get_context_data(self, **kwargs):
        running = set(HelpSellFlag.objects.active().values_list("pk", flat=True))
        return super().get_context_data(running=running, **kwargs)


class HelpSellFlagCreateView(SellerRequiredMixin, generic.CreateView):
    form_class = HelpSellForm
    template_name = "sellers/help_sell_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "products": listings.products_of(self.request.user)}

    def post(self, request, *args, **kwargs):
        refuse_foreign(request, "product", listings.products_of(request.user))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            helpsell.flag(
                data["product"],
                by=self.request.user,
                quantity=data["quantity"],
                reason=data["reason"],
                until=data["until"],
                note=data["note"],
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Your product is now listed for help-selling."))
        return HttpResponseRedirect(reverse("sellers:help-sell-flags"))


class HelpSellFlagEndView(SellerRequiredMixin, generic.View):
    def post(self, request, pk):
        help_flag = get_object_or_404(HelpSellFlag, pk=pk, product__in=listings.products_of(request.user))
        try:
            helpsell.withdraw(help_flag, by=request.user)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        return HttpResponseRedirect(reverse("sellers:help-sell-flags"))


class SalesReportMixin:
    """Sales by product and month with a chart; ?format=csv or xlsx downloads the same rows."""

    template_name = "sellers/sales_report.html"
    export_name = "sales"

    def get(self, request, *args, **kwargs):
        rows = reports.monthly_sales(self.get_partners())
        if "format" in request.GET:
            return exports.download_response(
                [reports.sales_sheet(rows)], fmt=request.GET["format"], filename_stem=self.export_name
            )
        bars = reports.chart_bars(reports.monthly_totals(self.get_partners()))
        return self.render_to_response(
            self.get_context_data(rows=rows, bars=bars, chart_width=len(bars) * 48 + 16)
        )


class SalesReportView(SellerRequiredMixin, SalesReportMixin, generic.TemplateView):
    def get_partners(self):
        return self.partners


# --- County officer (read-only, plus the recommendation step) ---------------------------------------------


class CountyApplicationListView(CountyOfficerRequiredMixin, generic.ListView):
    template_name = "sellers/county_applications.html"
    context_object_name = "applications"

    def get_queryset(self):
        return SellerApplication.objects.for_county(self.county).select_related("applicant")


class CountyApplicationDetailView(CountyOfficerRequiredMixin, generic.FormView):
    template_name = "sellers/application_decide.html"

    def get_application(self):
        return get_object_or_404(SellerApplication.objects.for_county(self.county), pk=self.kwargs["pk"])

    def get_form(self, form_class=None):
        return county_decision_form(**self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.get_application(), **kwargs)

    def form_valid(self, form):
        application = self.get_application()
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == "recommend":
                onboarding.recommend(application, officer=self.request.user, comment=comment)
            else:
                onboarding.decline(application, officer=self.request.user, comment=comment)
        except NotPermitted as refusal:
            raise PermissionDenied(refusal.message) from refusal
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("sellers:county-applications"))


class CountySellerListView(CountyOfficerRequiredMixin, generic.ListView):
    template_name = "sellers/county_sellers.html"
    context_object_name = "sellers"

    def get_queryset(self):
        return Partner.objects.filter(county=self.county).order_by("name")


class CountyCertificateListView(CountyOfficerRequiredMixin, generic.ListView):
    template_name = "sellers/county_certificates.html"
    context_object_name = "certificates"

    def get_queryset(self):
        return (
            ProductCertificate.objects.filter(
                Q(product__stockrecords__partner__county=self.county) | Q(product__origin_county=self.county)
            )
            .select_related("product")
            .distinct()
        )


class CountySalesView(CountyOfficerRequiredMixin, SalesReportMixin, generic.TemplateView):
    export_name = "county-sales"

    def get_partners(self):
        return Partner.objects.filter(county=self.county)


# --- Private documents (stored by shop.core.files.PrivateStorage, never under MEDIA_URL) ---


class ApplicationLicenceView(LoginRequiredMixin, generic.View):
    """The licence scan, for staff, the applicant and the county's officer only (others: 404)."""

    def get(self, request, pk):
        application = get_object_or_404(SellerApplication, pk=pk)
        allowed = (
            request.user.is_staff
            or application.applicant_id == request.user.pk
            or officer_county(request.user) == application.county
        )
        if not allowed:
            raise Http404
        return files.private_download(application.licence_scan, download_name=f"licence-{application.pk}")


class CertificateScanView(LoginRequiredMixin, generic.View):
    """A certificate's scan, for staff, the product's sellers and the county's officer only (others: 404)."""

    def get(self, request, pk):
        certificate = get_object_or_404(ProductCertificate.objects.select_related("product"), pk=pk)
        if not may_see_certificate(request.user, certificate):
            raise Http404
        return files.private_download(certificate.scan, download_name=f"certificate-{certificate.pk}")


# --- Platform staff --------------------------------------------------------------------------------------


class StaffApplicationListView(StaffRequiredMixin, generic.ListView):
    template_name = "sellers/staff_applications.html"
    context_object_name = "applications"

    def get_queryset(self):
        applications = SellerApplication.objects.select_related("county", "applicant")
        if self.request.GET.get("all"):
            return applications
        return applications.awaiting_staff()


class StaffApplicationDetailView(StaffRequiredMixin, generic.FormView):
    template_name = "sellers/application_decide.html"

    def get_application(self):
        return get_object_or_404(SellerApplication, pk=self.kwargs["pk"])

    def get_form(self, form_class=None):
        return staff_decision_form(**self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.get_application(), staff=True, **kwargs)

    def form_valid(self, form):
        application = self.get_application()
        try:
            if form.cleaned_data["decision"] == "approve":
                onboarding.approve(application, reviewer=self.request.user)
            else:
                onboarding.reject(
                    application, reviewer=self.request.user, reason=form.cleaned_data["comment"]
                )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("sellers:staff-applications"))


class StaffCertificateQueueView(StaffRequiredMixin, generic.ListView):
    template_name = "sellers/staff_certificates.html"
    context_object_name = "certificates"

    def get_queryset(self):
        return (
            ProductCertificate.objects.filter(status=ProductCertificate.Status.PENDING)
            .select_related("product", "submitted_by")
            .order_by("created_at")
        )


class StaffCertificateReviewView(StaffRequiredMixin, generic.FormView):
    template_name = "sellers/certificate_review.html"

    def get_certificate(self):
        return get_object_or_404(ProductCertificate.objects.select_related("product"), pk=self.kwargs["pk"])

    def get_form(self, form_class=None):
        return staff_decision_form(**self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.get_certificate(), **kwargs)

    def form_valid(self, form):
        certificate = self.get_certificate()
        try:
            if form.cleaned_data["decision"] == "approve":
                certification.approve(certificate, reviewer=self.request.user)
            else:
                certification.reject(
                    certificate, reviewer=self.request.user, reason=form.cleaned_data["comment"]
                )
        except NotPermitted as refusal:
            raise PermissionDenied(refusal.message) from refusal
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("sellers:staff-certificates"))
