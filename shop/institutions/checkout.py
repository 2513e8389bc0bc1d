"""Organisation orders at checkout: the tagging choice, the quota preview and tagging the placed order."""

from dataclasses import dataclass
from decimal import Decimal

from oscar.apps.checkout.utils import CheckoutSessionData
from oscar.core.loading import get_model

from shop import caching
from shop.core import dates
from shop.institutions import approvals, ledger, notifications, quotas
from shop.institutions.models import Organisation, OrganisationOrder
from shop.order import statuses

Product = get_model("catalogue", "Product")

SESSION_NAMESPACE = "institutions"
TAGGING_FIELDS = (
    "purpose",
    "po_reference",
    "fapiao_type",
    "fapiao_title",
    "taxpayer_id",
    "fapiao_address",
    "fapiao_phone",
    "fapiao_bank",
    "fapiao_account",
)


def needs_choice(user) -> bool:
    """A buyer of any organisation must say whether the order is personal or for an organisation."""
    return user.is_authenticated and Organisation.objects.buying_for(user).exists()


def has_chosen(checkout_session: CheckoutSessionData) -> bool:
    return checkout_session._get(SESSION_NAMESPACE, "tagging") is not None


def save_choice(checkout_session: CheckoutSessionData, cleaned_data: dict) -> None:
    organisation = cleaned_data.get("organisation")
    tagging = {"organisation": organisation.pk if organisation else None}
    if organisation:
        tagging.update({name: cleaned_data.get(name) or "" for name in TAGGING_FIELDS})
    checkout_session._set(SESSION_NAMESPACE, "tagging", tagging)


def stored_choice(checkout_session: CheckoutSessionData) -> dict | None:
    return checkout_session._get(SESSION_NAMESPACE, "tagging")


def tagging_for(checkout_session: CheckoutSessionData, user) -> dict | None:
    """The organisation tagging stored in the session, if the user is still a buyer for that organisation."""
    tagging = stored_choice(checkout_session)
    if not tagging or not tagging.get("organisation"):
        return None
    organisation = Organisation.objects.buying_for(user).filter(pk=tagging["organisation"]).first()
    if organisation is None:
        return None
    return {**tagging, "organisation": organisation}


def initial_status(tagging: dict | None, *, total: Decimal) -> str | None:
    """Orders above the organisation's approval threshold start awaiting approval."""
    if tagging and approvals.requires_approval(tagging["organisation"], total=total):
        return statuses.AWAITING_APPROVAL
    return None


def tag_order(order, tagging: dict | None, *, buyer) -> OrganisationOrder | None:
    """Record that the placed order was bought for an organisation (call inside the placing transaction)."""
    if not tagging:
        return None
    pending = order.status == statuses.AWAITING_APPROVAL
    organisation_order = OrganisationOrder.objects.create(
        order=order,
        organisation=tagging["organisation"],
        buyer=buyer,
        approval=OrganisationOrder.Approval.PENDING if pending else OrganisationOrder.Approval.NOT_REQUIRED,
        **{name: tagging.get(name, "") for name in TAGGING_FIELDS},
    )
    if pending:
        notifications.approval_requested(organisation_order)
    ledger.schedule([organisation_order.organisation_id], [dates.year_of(order.date_placed)])
    return organisation_order


@dataclass
class PreviewLine:
    title: str
    quantity: int
    amount: Decimal
    counts: bool
    reason: str


@dataclass
class QuotaPreview:
    organisation: Organisation
    lines: list
    adds: Decimal
    target: Decimal | None
    counted_before: Decimal

    @property
    def percent_before(self):
        return _percent(self.counted_before, self.target)

    @property
    def percent_after(self):
        return _percent(self.counted_before + self.adds, self.target)


def _percent(part, whole):
    if not whole:
        return None
    return (part / whole * 100).quantize(Decimal("1"))


def quota_preview(basket, organisation: Organisation, *, request=None) -> QuotaPreview:
    """Line by line, whether the basket counts toward the organisation's quota, and what it adds.

    With a request, each product's verdict is shared under its page-fragment version (catalogue, product,
    day: a certificate or category change shows at once) and the organisation's standing comes from the
    ledger's cache (quotas.standing), so a basket page reads neither again.
    """
    from shop import caching

    lines = []
    basket_lines = basket.all_lines()
    versions = (
        caching.product_fragment_versions(request, [line.product_id for line in basket_lines])
        if request is not None
        else {}
    )
    for line in basket_lines:

        def verdict(line=line):
            counts, reason = quotas.line_counts(line)
            return counts, "" if counts else str(reason.label)

        version = versions.get(line.product_id, "")
        counts, reason = caching.remember(version, "quota-verdict", (line.product_id,), verdict)
        lines.append(
            PreviewLine(
                line.product.get_title(),
                line.quantity,
                line.line_price_incl_tax_incl_discounts,
                counts,
                reason,
            )
        )
    target, counted = quotas.standing(organisation, year=dates.current_year())
    return QuotaPreview(
        organisation=organisation,
        lines=lines,
        adds=sum((line.amount for line in lines if line.counts), Decimal("0.00")),
        target=target,
        counted_before=counted,
    )


class OrganisationCheckoutMixin:
    """Mixed into the checkout's PaymentDetailsView: organisation tagging, quota preview, approval hold."""

    template_name_preview = "institutions/checkout/preview.html"

    def get_pre_conditions(self, request):
        conditions = super().get_pre_conditions(request)
        if self.preview:
            conditions = [*conditions, "check_organisation_choice_is_made"]
        return conditions

    def check_organisation_choice_is_made(self, request):
        """Buyers for an organisation say whether this order is personal or for which organisation."""
        from django.urls import reverse
        from django.utils.translation import gettext as _
        from oscar.apps.checkout import exceptions

        if needs_choice(request.user) and not has_chosen(self.checkout_session):
            raise exceptions.FailedPreCondition(
                url=reverse("institutions:checkout-tagging"),
                message=_("Please tell us whether this order is personal or for your organisation."),
            )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tagging = tagging_for(self.checkout_session, self.request.user)
        if tagging:
            purposes = dict(OrganisationOrder._meta.get_field("purpose").choices)
            fapiao_types = dict(OrganisationOrder._meta.get_field("fapiao_type").choices)
            total = ctx["order_total"].incl_tax if ctx.get("order_total") else None
            ctx["organisation_order"] = {
                "organisation": tagging["organisation"],
                "purpose_label": purposes.get(tagging.get("purpose"), ""),
                "fapiao_type_label": fapiao_types.get(tagging.get("fapiao_type"), ""),
                "tagging": tagging,
                "needs_approval": total is not None
                and approvals.requires_approval(tagging["organisation"], total=total),
            }
            ctx["quota_preview"] = quota_preview(self.request.basket, tagging["organisation"])
        return ctx

    def place_order(self, *args, **kwargs):
        """Place the order and tag it for the organisation in one transaction; hold it if above threshold."""
        from django.db import transaction

        tagging = tagging_for(self.checkout_session, kwargs.get("user") or self.request.user)
        if tagging and "status" not in kwargs:
            status = initial_status(tagging, total=kwargs["order_total"].incl_tax)
            if status:
                kwargs["status"] = status
        with transaction.atomic():
            order = super().place_order(*args, **kwargs)
            tag_order(order, tagging, buyer=order.user or self.request.user)
        return order


def help_your_quota_suggestions(*, limit: int = 8, version: str = ""):
    """Certified products that sellers flagged as surplus: buying them helps and counts toward quotas.

    With a catalogue fragment `version` (caching.fragment_versions()) the list is shared by everyone until
    the catalogue changes (a flag started or ended, a product sold out), as the home page's help-sell rail.
    """
    return caching.remember(version, "help-your-quota", (limit,), lambda: _help_your_quota(limit))


def _help_your_quota(limit: int) -> list:
    from shop.sellers import helpsell

    # The few flagged ids first: the card query (stock, flags, units sold) runs only when there are any.
    flagged = list(
        helpsell.products_needing_help()
        .certified()
        .order_by("-date_created")
        .values_list("id", flat=True)[:limit]
    )
    if not flagged:
        return []
    products = Product.objects.listable().for_cards().filter(id__in=flagged)
    return list(products.order_by("-date_created"))
