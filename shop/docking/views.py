from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from oscar.core.loading import get_model
from wagtail.models import Page

from shop.core import dates, exports
from shop.core.exceptions import DomainError, NotPermitted
from shop.docking import awards, demands, intents, matching, quotes, reports
from shop.docking.forms import AwardForm, DemandForm, IntentForm, PushForm, QuoteForm
from shop.docking.models import Demand, DemandNotice, Quote, Status
from shop.sellers.access import CountyOfficerRequiredMixin, SellerRequiredMixin, is_seller, officer_county

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")

BOARD_PAGE_SIZE = 20


def _board_rows(queryset):
    """What a demand row on a public or seller list shows, fetched up front (no contact details)."""
    live_quotes = (
        Quote.objects.filter(demand=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("demand")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related(
        "category",
        "delivery_region__province",
        "delivery_region__parent",
        "origin_region__province",
        "origin_region__parent",
    ).annotate(quote_count=Coalesce(Subquery(live_quotes, output_field=IntegerField()), 0))


# --- Public board -----------------------------------------------------------------------------------------


class BoardView(generic.ListView):
    """Open demands, without who is buying or how to reach them, filterable by category and region."""

    template_name = "docking/board.html"
    context_object_name = "demands"
    paginate_by = BOARD_PAGE_SIZE

    def get_queryset(self):
        rows = Demand.objects.on_board()
        self.category = Category.objects.filter(pk=self.request.GET.get("category") or None).first()
        if self.category is not None:
            rows = rows.filter(category__path__startswith=self.category.path)
        self.region = Region.objects.filter(code=self.request.GET.get("region") or None).first()
        if self.region is not None:
            rows = rows.filter(
                Q(delivery_region=self.region)
                | Q(delivery_region__parent=self.region)
                | Q(delivery_region__province=self.region)
            )
        return _board_rows(rows).order_by("quote_deadline", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["categories"] = Category.objects.filter(depth__lte=2).order_by("path")
        context["provinces"] = Region.objects.provinces().order_by("code")
        context["chosen_category"] = self.category
        context["chosen_region"] = self.region
        context["is_seller"] = is_seller(self.request.user)
        return context


class BoardDetailView(generic.DetailView):
    template_name = "docking/board_detail.html"
    context_object_name = "demand"

    def get_queryset(self):
        return _board_rows(Demand.objects.on_board())


# --- Buyers -----------------------------------------------------------------------------------------------


class MyDemandsView(LoginRequiredMixin, generic.ListView):
    template_name = "docking/my_demands.html"
    context_object_name = "demands"
    paginate_by = BOARD_PAGE_SIZE

    def get_queryset(self):
        return (
            _board_rows(Demand.objects.visible_to_buyer(self.request.user))
            .select_related("organisation")
            .order_by("-created_at")
        )


class DemandFormMixin(LoginRequiredMixin):
    model = Demand
    form_class = DemandForm
    template_name = "docking/demand_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            self.object = demands.save_draft(form.instance, by=self.request.user)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved as a draft. Check it, then open it for quotes."))
        return HttpResponseRedirect(reverse("docking:demand", kwargs={"pk": self.object.pk}))


class DemandCreateView(DemandFormMixin, generic.CreateView):
    def get_initial(self):
        from shop.institutions.models import Organisation

        organisation = Organisation.objects.buying_for(self.request.user).first()
        initial = {"unit": "kg"}
        if organisation is not None:
            initial.update(organisation=organisation)
        else:
            initial.update(counts_toward_quota=False)
        return initial


class DemandUpdateView(DemandFormMixin, generic.UpdateView):
    def get_queryset(self):
        return Demand.objects.managed_by(self.request.user).filter(status=Status.DRAFT)


class BuyerDemandMixin(LoginRequiredMixin):
    """The demand, if the user may see it as its buyer (404 otherwise, never a hint that it exists)."""

    def get_demand(self):
        queryset = Demand.objects.visible_to_buyer(self.request.user).select_related(
            "organisation", "category", "delivery_region", "origin_region", "posted_by"
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


class DemandDetailView(BuyerDemandMixin, generic.TemplateView):
    """The buyer's page: the demand, the quotes side by side, the award form, the awards and their orders."""

    template_name = "docking/demand_detail.html"

    def get(self, request, *args, **kwargs):
        self.demand = self.get_demand()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        demand = self.demand
        comparison = list(quotes.comparison(demand))
        may_manage = demands.may_manage(self.request.user, demand)
        form = form or AwardForm(quotes=comparison)
        offers = {quote.pk: [] for quote in comparison}
        for quote, product, is_certified, name in form.offers:
            offers.setdefault(quote.pk, []).append(
                {"product": product, "is_certified": is_certified, "field": form[name]}
            )
        for quote in comparison:
            quote.offers = offers[quote.pk]
        context.update(
            demand=demand,
            quotes=comparison,
            may_manage=may_manage,
            awardable=may_manage and demand.status in awards.AWARDABLE,
            award_form=form,
            awards=demand.awards.select_related("quote__partner", "order").order_by("awarded_at"),
            awarded_quantity=awards.awarded_quantity(demand),
            surplus=list(matching.running_flags(demand)[:6]) if demand.status != Status.DRAFT else [],
        )
        return context


class DemandActionView(BuyerDemandMixin, generic.View):
    ACTIONS = {
        "open": (demands.open_for_quotes, _("The demand is open: matching sellers have been told.")),
        "cancel": (demands.cancel, _("The demand has been cancelled.")),
        "fulfil": (demands.fulfil, _("The demand is marked as fulfilled.")),
    }

    def post(self, request, pk, action):
        demand = self.get_demand()
        if action not in self.ACTIONS:
            raise Http404
        function, done = self.ACTIONS[action]
        try:
            function(demand, by=request.user)
        except NotPermitted:
            raise PermissionDenied
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, done)
        return HttpResponseRedirect(reverse("docking:demand", kwargs={"pk": demand.pk}))


class AwardView(DemandDetailView):
    def post(self, request, pk):
        self.demand = self.get_demand()
        if not demands.may_manage(request.user, self.demand):
            raise PermissionDenied
        form = AwardForm(request.POST, quotes=quotes.comparison(self.demand))
        if form.is_valid():
            try:
                made = awards.award(
                    self.demand, form.parts(), by=request.user, po_reference=form.cleaned_data["po_reference"]
                )
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Awarded: %(count)d order(s) placed at the quoted prices.") % {"count": len(made)},
                )
                return HttpResponseRedirect(reverse("docking:demand", kwargs={"pk": self.demand.pk}))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("docking:demand", kwargs={"pk": self.get_demand().pk}))


# --- Sellers ----------------------------------------------------------------------------------------------


class SellerDemandsView(SellerRequiredMixin, generic.TemplateView):
    """Demands the seller was told of (matched or pushed), marked where its help-sell surplus fits, and its quotes."""

    template_name = "docking/seller_demands.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partners = list(self.partners)
        told = DemandNotice.objects.filter(partner__in=partners, demand=OuterRef("pk"))
        rows = _board_rows(Demand.objects.on_board().filter(Exists(told)))
        rows = rows.annotate(surplus_fits=matching.flag_matches_demand_condition(partners))
        own_quotes = Quote.objects.filter(partner__in=partners, demand=OuterRef("pk"))
        rows = rows.annotate(quoted=Exists(own_quotes.filter(withdrawn_at__isnull=True)))
        context["demands"] = rows.order_by("quote_deadline")[:100]
        context["my_quotes"] = (
            Quote.objects.filter(partner__in=partners)
            .select_related("demand", "product", "partner")
            .prefetch_related(Prefetch("alternatives", queryset=Product.objects.select_related("parent")))
            .annotate(awarded=Sum("awards__quantity"))
            .order_by("-updated_at")[:100]
        )
        return context


class QuoteView(SellerRequiredMixin, generic.FormView):
    """A seller's quote on a demand: created, or changed until the deadline. Its own quote only."""

    template_name = "docking/quote_form.html"
    form_class = QuoteForm

    def setup_objects(self):
        self.partner = self.partners.order_by("pk").first()
        visible = Demand.objects.on_board() | Demand.objects.filter(quotes__partner=self.partner)
        self.demand = get_object_or_404(
            _board_rows(visible.distinct()).select_related("delivery_region"), pk=self.kwargs["pk"]
        )
        self.quote = Quote.objects.filter(demand=self.demand, partner=self.partner).first()

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "demand": self.demand, "partner": self.partner}
        if self.quote is not None and self.request.method == "GET":
            kwargs["initial"] = {
                "product": self.quote.product_id,
                "alternatives": list(self.quote.alternatives.values_list("pk", flat=True)),
                "unit_price": self.quote.unit_price,
                "quantity": self.quote.quantity,
                "unit": self.demand.unit,
                "lead_time_days": self.quote.lead_time_days,
                "valid_until": self.quote.valid_until,
                "note": self.quote.note,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            demand=self.demand,
            quote=self.quote,
            partner=self.partner,
            own_side=quotes.is_buyers_own_side(self.demand, self.partner),
        )
        return context

    def form_valid(self, form):
        try:
            quotes.submit(self.demand, partner=self.partner, by=self.request.user, **form.cleaned_data)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Your quote has been sent to the buyer."))
        return HttpResponseRedirect(reverse("docking:seller-demands"))


class QuoteWithdrawView(SellerRequiredMixin, generic.View):
    def post(self, request, pk):
        quote = get_object_or_404(Quote.objects.filter(partner__in=self.partners), pk=pk)
        try:
            quotes.withdraw(quote, by=request.user)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your quote has been withdrawn."))
        return HttpResponseRedirect(reverse("docking:seller-demands"))


# --- County officers --------------------------------------------------------------------------------------


class CountyDemandsView(CountyOfficerRequiredMixin, generic.ListView):
    """Open demands the county's sellers could serve, with a form to point one of them to it."""

    template_name = "docking/county_demands.html"
    context_object_name = "demands"
    paginate_by = BOARD_PAGE_SIZE

    def get_queryset(self):
        rows = Demand.objects.on_board().filter(matching.county_could_serve_condition(self.county))
        return _board_rows(rows).order_by("quote_deadline", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["county"] = self.county
        context["push_form"] = PushForm(county=self.county)
        return context


class PushView(CountyOfficerRequiredMixin, generic.View):
    def post(self, request, pk):
        demand = get_object_or_404(Demand.objects.on_board(), pk=pk)
        form = PushForm(request.POST, county=self.county)
        if not form.is_valid():
            messages.error(request, _("Choose one of your county's sellers."))
        else:
            try:
                demands.push(demand, form.cleaned_data["partner"], by=request.user)
            except DomainError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("The seller has been told of the demand."))
        return HttpResponseRedirect(reverse("docking:county-demands"))


# --- Reports ----------------------------------------------------------------------------------------------


class StaffOrOfficerMixin(AccessMixin):
    """Staff see every county; a county officer only its own."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.county = None if request.user.is_staff else officer_county(request.user)
        if not request.user.is_staff and self.county is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or dates.current_year())
    except ValueError:
        return dates.current_year()


class ReportView(StaffOrOfficerMixin, generic.TemplateView):
    template_name = "docking/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        context.update(
            year=year,
            county=self.county,
            summary=reports.summary(year=year, county=self.county),
            breakdowns=[
                (label, reports.breakdown(year=year, by=by, county=self.county))
                for by, label in reports.labels().items()
            ],
            intents=intents.totals_by_county(
                intents.for_year(year).filter(partner__county=self.county)
                if self.county
                else intents.for_year(year)
            ),
        )
        return context


class ReportExportView(StaffOrOfficerMixin, generic.View):
    def get(self, request, fmt):
        year = _year(request)
        return exports.download_response(
            reports.sheets(year=year, county=self.county), fmt=fmt, filename_stem=f"docking-{year}"
        )


# --- Trade-fair intents -----------------------------------------------------------------------------------


class IntentCreateView(LoginRequiredMixin, generic.FormView):
    template_name = "docking/intent_form.html"
    form_class = IntentForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        from cms.models import TradeFairPage

        self.event = get_object_or_404(TradeFairPage.objects.live(), pk=kwargs["page_id"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event, "user": self.request.user}

    def get_initial(self):
        return {"signed_on": min(dates.today(), max(self.event.date, dates.today())), "unit": "kg"}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "event": self.event}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            intents.record(
                self.event,
                buyer=self.request.user,
                partner=data["partner"],
                organisation=data.get("organisation"),
                product=data["product"],
                quantity=data["quantity"],
                unit=data["unit"],
                amount=data["amount"],
                signed_on=data["signed_on"],
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Your purchase intent has been recorded."))
        return HttpResponseRedirect(Page.objects.get(pk=self.event.pk).url)
