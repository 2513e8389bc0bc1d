"""Pages for organisation members: their organisations, reports, approvals, members and declaration."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from oscar.apps.checkout.utils import CheckoutSessionData
from oscar.core.loading import get_model

from shop import caching
from shop.core import dates, exports
from shop.core.exceptions import DomainError, InvalidInput, NotPermitted
from shop.institutions import (
    acceptance,
    approvals,
    bureaus,
    checkout,
    declarations,
    membership,
    permissions,
    quotas,
    reports,
)
from shop.institutions.forms import (
    PERSONAL,
    DeclarationAdjustForm,
    DeclarationForm,
    DeclarationReturnForm,
    MemberForm,
    MembershipRolesForm,
    OrderTaggingForm,
    RejectForm,
)
from shop.institutions.models import AnnualTarget, Declaration, Membership, Organisation, OrganisationOrder

Order = get_model("order", "Order")


def requested_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return dates.current_year()
    return year if 2015 <= year <= 2100 else dates.current_year()


class OrganisationMixin(LoginRequiredMixin):
    """Loads the organisation from the URL; anyone who is not a member (nor staff) gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = permissions.organisation_access(request.user, kwargs["pk"])
        self.organisation = self.access.organisation
        self.check_role()
        return super().dispatch(request, *args, **kwargs)

    def check_role(self):
        pass

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["organisation"] = self.organisation
        ctx["membership"] = self.access.roles
        ctx["can_see_reports"] = self.access.can_see_reports
        return ctx


class OrganisationListView(LoginRequiredMixin, TemplateView):
    template_name = "institutions/organisation_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["memberships"] = Membership.objects.filter(user=self.request.user).select_related("organisation")
        ctx["bureaus"] = bureaus.of_user(self.request.user).select_related("region")
        return ctx


class OrganisationDetailView(OrganisationMixin, TemplateView):
    template_name = "institutions/organisation_detail.html"
    orders_per_page = 25

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tree = quotas.Tree(below=self.organisation.pk)
        # Only the columns the table shows: an order row is wide, and a page holds 25 of them.
        orders = (
            OrganisationOrder.objects.filter(
                organisation_id__in=quotas.unit_ids(self.organisation, tree=tree)
            )
            .select_related("order")
            .only(
                *("order", "purpose", "approval", "rejection_reason"),
                *("order__number", "order__date_placed", "order__status", "order__total_incl_tax"),
                "order__currency",
            )
            .annotate(buyer_email=F("buyer__email"), organisation_name=F("organisation__name"))
        )
        ctx["page_obj"] = Paginator(orders, self.orders_per_page).get_page(self.request.GET.get("page"))
        ctx["paginator"] = ctx["page_obj"].paginator
        ctx["orders"] = ctx["page_obj"].object_list
        ctx["help_your_quota"] = checkout.help_your_quota_suggestions(
            version=caching.fragment_versions(self.request)["catalogue_cache_version"]
        )
        # Every member sees how far the organisation is this year, not only those who read reports: the
        # figures of the quota ledger's rows, as the staff overview shows them.
        ctx["progress"] = quotas.progress(
            self.organisation, year=dates.current_year(), from_ledger=True, tree=tree
        )
        return ctx


class OrderDetailView(OrganisationMixin, TemplateView):
    """One order of the organisation (or its affiliated bodies), line by line with what counted."""

    template_name = "institutions/order_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        link = get_object_or_404(
            OrganisationOrder.objects.select_related("order", "buyer", "organisation"),
            organisation_id__in=quotas.unit_ids(self.organisation),
            order__number=kwargs["number"],
        )
        ctx["link"] = link
        ctx["order"] = link.order
        lines = quotas.annotate_deduction(link.order.lines.order_by("pk")).select_related(
            "origin_county", "acceptance"
        )
        ctx["verdicts"] = quotas.order_line_verdicts(link, lines)
        ctx["can_accept"] = (
            acceptance.can_accept(self.request.user, link)
            and acceptance.acceptable_lines(link.order).exists()
        )
        return ctx


class AcceptanceView(OrganisationMixin, TemplateView):
    """The buying organisation's members confirm receipt (验收) line by line: accepted quantity, shortfall note."""

    template_name = "institutions/acceptance.html"

    def check_role(self):
        self.link = get_object_or_404(
            OrganisationOrder.objects.select_related("order", "organisation"),
            organisation=self.organisation,
            order__number=self.kwargs["number"],
        )
        if not acceptance.can_accept(self.request.user, self.link):
            raise PermissionDenied

    def rows(self, data=None):
        lines = acceptance.acceptable_lines(self.link.order).select_related("acceptance")
        rows = []
        for line in lines:
            accepted = getattr(line, "acceptance", None)
            quantity = accepted.accepted_quantity if accepted else line.quantity
            note = accepted.note if accepted else ""
            if data is not None:
                quantity = data.get(f"quantity_{line.pk}", "")
                note = data.get(f"note_{line.pk}", "")
            rows.append({"line": line, "accepted": accepted, "quantity": quantity, "note": note})
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["link"] = self.link
        ctx["order"] = self.link.order
        if "rows" not in ctx:
            ctx["rows"] = self.rows()
        return ctx

    def post(self, request, *args, **kwargs):
        rows = self.rows(request.POST)
        try:
            quantities = {}
            for row in rows:
                try:
                    quantity = int(str(row["quantity"]).strip())
                except ValueError:
                    raise InvalidInput(
                        _("Enter the accepted quantity of %(title)s as a whole number.")
                        % {"title": row["line"].title}
                    ) from None
                quantities[row["line"].pk] = (quantity, row["note"])
            acceptance.accept(self.link, by=request.user, quantities=quantities)
        except DomainError as refusal:
            return self.render_to_response(
                self.get_context_data(rows=rows, error=refusal.message), status=400
            )
        messages.success(request, _("Receipt of order %s confirmed.") % self.link.order.number)
        return redirect("institutions:order", pk=self.organisation.pk, number=self.link.order.number)


class ReportView(OrganisationMixin, TemplateView):
    template_name = "institutions/report.html"

    def check_role(self):
        self.access.require_reports()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = requested_year(self.request)
        ctx["year"] = year
        ctx["report"] = report = reports.organisation_report(
            self.organisation, year=year, page=self.request.GET.get("page") or 1
        )
        ctx["page_obj"], ctx["paginator"] = report.orders_page, report.orders_page.paginator
        ctx["years"] = range(dates.current_year(), dates.current_year() - 5, -1)
        return ctx


class ReportExportView(OrganisationMixin, View):
    def check_role(self):
        self.access.require_reports()

    def get(self, request, *args, fmt, **kwargs):
        year = requested_year(request)
        sheets = reports.report_sheets(reports.organisation_report(self.organisation, year=year))
        return exports.download_response(
            sheets, fmt=fmt, filename_stem=f"quota-report-{self.organisation.pk}-{year}"
        )


class StatementView(OrganisationMixin, TemplateView):
    """A printable purchase statement of the counted orders, for submission to the authorities."""

    template_name = "institutions/statement.html"

    def check_role(self):
        self.access.require_reports()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = requested_year(self.request)
        ctx["year"] = year
        ctx["report"] = reports.organisation_report(self.organisation, year=year)
        ctx["lines"] = quotas.report_lines(self.organisation, year=year)
        ctx["printed_on"] = dates.today()
        return ctx


class StatementExportView(OrganisationMixin, View):
    """The statement's counted lines as CSV or XLSX, for the finance office."""

    def check_role(self):
        self.access.require_reports()

    def get(self, request, *args, fmt, **kwargs):
        year = requested_year(request)
        return exports.download_response(
            reports.statement_sheets(self.organisation, year=year),
            fmt=fmt,
            filename_stem=f"statement-{self.organisation.pk}-{year}",
        )


class ApprovalListView(OrganisationMixin, TemplateView):
    template_name = "institutions/approvals.html"

    def check_role(self):
        permissions.require_approver(self.request.user, self.organisation)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["pending"] = (
            OrganisationOrder.objects.filter(
                organisation=self.organisation, approval=OrganisationOrder.Approval.PENDING
            )
            .select_related("order", "buyer")
            .prefetch_related("order__lines")
        )
        ctx["reject_form"] = kwargs.get("reject_form") or RejectForm()
        ctx["rejecting"] = kwargs.get("rejecting")
        return ctx


class DecideView(ApprovalListView):
    http_method_names = ["post"]
    decision = "approve"

    def post(self, request, *args, **kwargs):
        organisation_order = get_object_or_404(
            OrganisationOrder, organisation=self.organisation, order__number=kwargs["number"]
        )
        try:
            if self.decision == "approve":
                approvals.approve(organisation_order, approver=request.user)
                messages.success(request, _("Order %s approved.") % organisation_order.order.number)
            else:
                form = RejectForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(reject_form=form, rejecting=kwargs["number"]), status=400
                    )
                approvals.reject(
                    organisation_order, approver=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Order %s rejected.") % organisation_order.order.number)
        except DomainError as refusal:
            messages.error(request, refusal.message)
            status = 403 if isinstance(refusal, NotPermitted) else 400
            return self.render_to_response(self.get_context_data(), status=status)
        return redirect("institutions:approvals", pk=self.organisation.pk)


class MembersView(OrganisationMixin, TemplateView):
    template_name = "institutions/members.html"

    def check_role(self):
        permissions.require_administrator(self.request.user, self.organisation)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = self.organisation.memberships.select_related("user")
        ctx["form"] = kwargs.get("form") or MemberForm()
        return ctx

    def post(self, request, *args, **kwargs):
        form = MemberForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            membership.add(
                self.organisation,
                user=form.user,
                by=request.user,
                **{name: form.cleaned_data[name] for name in membership.ROLES},
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("%s added.") % form.user.email)
        return redirect(request.path)


class MemberUpdateView(OrganisationMixin, View):
    def check_role(self):
        permissions.require_administrator(self.request.user, self.organisation)

    def post(self, request, *args, member, **kwargs):
        member = get_object_or_404(
            Membership.objects.select_related("user"), organisation=self.organisation, pk=member
        )
        form = MembershipRolesForm(request.POST, instance=member)
        try:
            if request.POST.get("remove"):
                membership.remove(member, by=request.user)
                messages.success(request, _("%s removed.") % member.user.email)
            elif form.is_valid():
                membership.set_roles(
                    member, by=request.user, **{name: form.cleaned_data[name] for name in membership.ROLES}
                )
                messages.success(request, _("Roles of %s saved.") % member.user.email)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        return redirect("institutions:members", pk=self.organisation.pk)


class DeclarationView(OrganisationMixin, TemplateView):
    """The year's declaration: the administrator saves and submits it, a reviewer decides; its history."""

    template_name = "institutions/declaration.html"

    def check_role(self):
        self.is_declarer = declarations.can_declare(self.request.user, self.organisation)
        self.is_reviewer = declarations.can_review(self.request.user, self.organisation)
        if not (self.is_declarer or self.is_reviewer):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = requested_year(self.request)
        declaration = declarations.for_year(self.organisation, year)
        target = AnnualTarget.objects.filter(organisation=self.organisation, year=year).first()
        Status = Declaration.Status
        editable = self.is_declarer and (
            declaration is None
            or declaration.status in (Status.DRAFT, Status.RETURNED)
            or (declaration.status == Status.APPROVED and year >= dates.current_year())
        )
        reviewable = (
            self.is_reviewer
            and declaration is not None
            and declaration.status == Status.SUBMITTED
            and declaration.submitted_by_id != self.request.user.pk
        )
        ctx.update(
            year=year,
            years=range(dates.current_year() + 1, dates.current_year() - 4, -1),
            declaration=declaration,
            target=target,
            deadline=declarations.deadline(year),
            share_now=self.organisation.effective_quota_share,
            editable=editable,
            reviewable=reviewable,
            adjustable=self.is_reviewer
            and declaration is not None
            and declaration.status == Status.APPROVED
            and declaration.submitted_by_id != self.request.user.pk,
            form=kwargs.get("form")
            or DeclarationForm(
                initial={"declared_canteen_spending": declaration.declared_canteen_spending}
                if declaration
                else {}
            ),
            return_form=kwargs.get("return_form") or DeclarationReturnForm(),
            adjust_form=kwargs.get("adjust_form")
            or DeclarationAdjustForm(
                initial={"declared_canteen_spending": declaration.declared_canteen_spending}
                if declaration
                else {}
            ),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        year = requested_year(request)
        action = request.POST.get("action") or "save"
        declaration = declarations.for_year(self.organisation, year)
        forms_shown = {}
        try:
            if action in ("save", "submit"):
                form = forms_shown["form"] = DeclarationForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(**forms_shown), status=400)
                declarations.save(
                    self.organisation,
                    year=year,
                    amount=form.cleaned_data["declared_canteen_spending"],
                    by=request.user,
                    submit=action == "submit",
                )
                done = _("Declaration submitted for review.") if action == "submit" else _("Draft saved.")
            elif declaration is None:
                raise Http404
            elif action == "approve":
                declarations.approve(declaration, by=request.user)
                done = _("Declaration approved: the %(year)s target is fixed.") % {"year": year}
            elif action == "return":
                form = forms_shown["return_form"] = DeclarationReturnForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(**forms_shown), status=400)
                declarations.return_for_correction(
                    declaration, by=request.user, reason=form.cleaned_data["reason"]
                )
                done = _("Declaration returned to the organisation.")
            elif action == "adjust":
                form = forms_shown["adjust_form"] = DeclarationAdjustForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(**forms_shown), status=400)
                declarations.adjust(
                    declaration,
                    by=request.user,
                    amount=form.cleaned_data["declared_canteen_spending"],
                    reason=form.cleaned_data["reason"],
                )
                done = _("Approved declaration adjusted.")
            else:
                return self.render_to_response(self.get_context_data(), status=400)
        except DomainError as refusal:
            messages.error(request, refusal.message)
            status = 403 if isinstance(refusal, NotPermitted) else 400
            return self.render_to_response(self.get_context_data(**forms_shown), status=status)
        messages.success(request, done)
        return redirect(f"{request.path}?year={year}")


class CheckoutTaggingView(LoginRequiredMixin, TemplateView):
    """Checkout step for organisation buyers: personal or for an organisation, purpose and fapiao."""

    template_name = "institutions/checkout/tagging.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not checkout.needs_choice(request.user):
            return redirect("checkout:preview")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        organisations = list(Organisation.objects.buying_for(self.request.user))
        session = CheckoutSessionData(self.request)
        stored = checkout.stored_choice(session) or {}
        initial = {"buy_for": str(stored.get("organisation") or PERSONAL), **stored}
        if not stored.get("organisation") and organisations:
            initial.update(organisations[0].fapiao_defaults())
        return OrderTaggingForm(data=data, organisations=organisations, initial=initial)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        ctx["form"] = form
        ctx["previews"] = [
            checkout.quota_preview(self.request.basket, organisation)
            for organisation in form.organisations.values()
        ]
        ctx["fapiao_defaults"] = {pk: org.fapiao_defaults() for pk, org in form.organisations.items()}
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        checkout.save_choice(CheckoutSessionData(request), form.cleaned_data)
        return redirect(reverse("checkout:preview"))
