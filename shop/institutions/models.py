from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalogue_ext.credit_codes import normalise, validate_credit_code
from shop.core import dates
from shop.institutions import floors
from shop.institutions.fapiao import validate_taxpayer_id

SHARE_VALIDATORS = [MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))]


def default_quota_share() -> Decimal:
    return Decimal(str(settings.AIDMARKET_DEFAULT_QUOTA_SHARE))


def target_amount(
    *,
    fixed_amount: Decimal | None,
    declared_canteen_spending: Decimal | None,
    share: Decimal | None,
    organisation_share: Decimal | None,
) -> Decimal:
    """A year's target: the fixed amount, or the declared spending × the target's share (else the
    organisation's, else the site-wide default), to the fen. AnnualTarget.amount, and the staff overview's
    figures read from plain rows."""
    if fixed_amount is not None:
        return fixed_amount
    if share is None:
        share = organisation_share if organisation_share is not None else default_quota_share()
    return (declared_canteen_spending * share).quantize(Decimal("0.01"))


class FapiaoType(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary VAT fapiao (普通发票)")
    SPECIAL = "special", _("Special VAT fapiao (专用发票)")


class OrganisationQuerySet(models.QuerySet):
    def for_member(self, user):
        return self.filter(memberships__user=user).distinct()

    def administered_by(self, user):
        return self.filter(memberships__user=user, memberships__is_administrator=True).distinct()

    def buying_for(self, user):
        return self.filter(memberships__user=user, memberships__is_buyer=True, is_active=True).distinct()

    def in_region(self, code: str):
        """Registered in this region: the region itself, or a county or city of this province or city."""
        return self.filter(Q(region_id=code) | Q(region__province_id=code) | Q(region__parent_id=code))


class Organisation(models.Model):
    """A government unit, enterprise or other body that buys on behalf of itself."""

    class Kind(models.TextChoices):
        BUDGET_UNIT = "budget_unit", _("Government unit / budget unit")
        STATE_OWNED = "state_owned", _("State-owned enterprise")
        PRIVATE = "private", _("Private enterprise")
        SOCIAL = "social", _("Social organisation")
        OTHER = "other", _("Other")

    class Relation(models.TextChoices):
        SUBORDINATE = "subordinate", _("Subordinate unit (own target, rolled up into the supervising unit)")
        AFFILIATED = "affiliated", _("Affiliated body, e.g. trade union (counts toward its unit's target)")

    name = models.CharField(_("Name"), max_length=128)
    kind = models.CharField(_("Type"), max_length=16, choices=Kind.choices, default=Kind.BUDGET_UNIT)
    credit_code = models.CharField(
        _("Unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as printed on the registration certificate."),
    )
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("Region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Supervising unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    relation_to_parent = models.CharField(
        _("Relation to the supervising unit"),
        max_length=16,
        choices=Relation.choices,
        default=Relation.SUBORDINATE,
    )
    paired_counties = models.ManyToManyField(
        "catalogue.Region",
        verbose_name=_("Paired (designated-assistance) counties"),
        blank=True,
        related_name="paired_organisations",
        limit_choices_to={"level": "county"},
    )
    quota_share = models.DecimalField(
        _("Reserved share for poverty-area products"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=SHARE_VALIDATORS,
        help_text=_("A fraction, e.g. 0.20 for 20%. Empty: the site-wide default."),
    )
    approval_threshold = models.DecimalField(
        _("Approval threshold (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Orders above this total wait for an approver. Empty: no approval needed."),
    )
    fapiao_type = models.CharField(
        _("Default fapiao type"), max_length=16, choices=FapiaoType.choices, default=FapiaoType.ORDINARY
    )
    fapiao_title = models.CharField(_("Fapiao title"), max_length=128, blank=True)
    taxpayer_id = models.CharField(
        _("Taxpayer ID"), max_length=20, blank=True, validators=[validate_taxpayer_id]
    )
    fapiao_address = models.CharField(_("Registered address"), max_length=200, blank=True)
    fapiao_phone = models.CharField(_("Registered phone"), max_length=32, blank=True)
    fapiao_bank = models.CharField(_("Bank"), max_length=128, blank=True)
    fapiao_account = models.CharField(_("Bank account"), max_length=40, blank=True)
    is_active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organisation_unique_credit_code"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="organisation_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.credit_code = normalise(self.credit_code)
        if self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("An organisation cannot be placed below itself.")})
                ancestor = ancestor.parent
        if self.quota_share is not None:
            try:
                floors.validate_share(self.quota_share, region=self.region_id, year=dates.current_year())
            except ValidationError as error:
                raise ValidationError({"quota_share": error}) from error

    @property
    def effective_quota_share(self) -> Decimal:
        return self.quota_share if self.quota_share is not None else default_quota_share()

    @property
    def counts_toward_parent(self) -> bool:
        return bool(self.parent_id) and self.relation_to_parent == self.Relation.AFFILIATED

    def fapiao_defaults(self) -> dict:
        return {
            "fapiao_type": self.fapiao_type,
            "fapiao_title": self.fapiao_title or self.name,
            "taxpayer_id": self.taxpayer_id or self.credit_code,
            "fapiao_address": self.fapiao_address,
            "fapiao_phone": self.fapiao_phone,
            "fapiao_bank": self.fapiao_bank,
            "fapiao_account": self.fapiao_account,
        }


class Membership(models.Model):
    """A person's roles in one organisation; one person may hold several roles and organisations."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    is_buyer = models.BooleanField(
        _("Buyer"), default=True, help_text=_("Places orders for the organisation.")
    )
    is_approver = models.BooleanField(
        _("Approver"), default=False, help_text=_("Approves orders above the threshold.")
    )
    is_administrator = models.BooleanField(
        _("Administrator"), default=False, help_text=_("Manages members and the declaration, sees reports.")
    )

    class Meta:
        ordering = ["organisation", "user__email"]
        verbose_name = _("Member")
        verbose_name_plural = _("Members")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"

    @property
    def role_labels(self) -> list[str]:
        return [
            str(self._meta.get_field(field).verbose_name)
            for field in ("is_buyer", "is_approver", "is_administrator")
            if getattr(self, field)
        ]


class AnnualTarget(models.Model):
    """A year's target: declared canteen food spending × reserved share, or a fixed amount."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        _("Year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    declared_canteen_spending = models.DecimalField(
        _("Declared canteen food spending (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    share = models.DecimalField(
        _("Reserved share"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=SHARE_VALIDATORS,
        help_text=_("A fraction, e.g. 0.10. Empty: the organisation's share, or the site-wide default."),
    )
    fixed_amount = models.DecimalField(
        _("Fixed target (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Set instead of a declaration when the organisation is given a fixed target."),
    )
    paired_share = models.DecimalField(
        _("Part of the target for paired counties"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=SHARE_VALIDATORS,
        help_text=_("A fraction of the target, e.g. 0.30. Empty: none required."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "organisation"]
        verbose_name = _("Annual target")
        verbose_name_plural = _("Annual targets")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="target_unique_year"),
            models.CheckConstraint(
                condition=Q(fixed_amount__gt=0) | Q(declared_canteen_spending__gt=0),
                name="target_has_positive_basis",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    def clean(self):
        if self.fixed_amount is None and self.declared_canteen_spending is None:
            raise ValidationError(
                _("Enter either the declared canteen food spending or a fixed target amount.")
            )
        if self.fixed_amount is None and self.organisation_id and self.year:
            # A non-field error: the declaration form shows it too, without a share field of its own.
            floors.validate_share(self.effective_share, region=self.organisation.region_id, year=self.year)

    @property
    def effective_share(self) -> Decimal:
        return self.share if self.share is not None else self.organisation.effective_quota_share

    @property
    def amount(self) -> Decimal:
        if self.fixed_amount is not None:
            return self.fixed_amount
        return target_amount(
            fixed_amount=None,
            declared_canteen_spending=self.declared_canteen_spending,
            share=self.effective_share,
            organisation_share=None,
        )

    @property
    def paired_amount(self) -> Decimal:
        if not self.paired_share:
            return Decimal("0.00")
        return (self.amount * self.paired_share).quantize(Decimal("0.01"))


class Purpose(models.TextChoices):
    CANTEEN = "canteen", _("Canteen food (食堂食材)")
    UNION_WELFARE = "union_welfare", _("Union welfare (工会福利/慰问)")
    OTHER = "other", _("Other procurement")


class OrganisationOrder(models.Model):
    """An order placed for an organisation: who, what for, the fapiao request and the approval."""

    class Approval(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Not required")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="organisation_link")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="orders")
    purpose = models.CharField(_("Purpose"), max_length=16, choices=Purpose.choices)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    po_reference = models.CharField(_("Purchase-order reference"), max_length=64, blank=True)
    fapiao_type = models.CharField(_("Fapiao type"), max_length=16, choices=FapiaoType.choices)
    fapiao_title = models.CharField(_("Fapiao title"), max_length=128)
    taxpayer_id = models.CharField(_("Taxpayer ID"), max_length=20)
    fapiao_address = models.CharField(_("Registered address"), max_length=200, blank=True)
    fapiao_phone = models.CharField(_("Registered phone"), max_length=32, blank=True)
    fapiao_bank = models.CharField(_("Bank"), max_length=128, blank=True)
    fapiao_account = models.CharField(_("Bank account"), max_length=40, blank=True)
    approval = models.CharField(
        _("Approval"), max_length=16, choices=Approval.choices, default=Approval.NOT_REQUIRED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("Reason for rejection"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Organisation order")
        verbose_name_plural = _("Organisation orders")
        indexes = [
            models.Index(fields=["organisation", "approval"], name="orgorder_org_approval"),
            # Quota aggregates: an organisation's orders and their purpose, index-only.
            models.Index(fields=["organisation", "order"], include=["purpose"], name="orgorder_org_order"),
        ]

    def __str__(self):
        return f"{self.order.number} ({self.organisation})"


class LineRefund(models.Model):
    """Money refunded for one order line. Any refund path (Stripe, bank) records here via refunds.record()."""

    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="quota_refunds")
    amount = models.DecimalField(_("Amount (CNY)"), max_digits=12, decimal_places=2)
    refunded_at = models.DateTimeField(_("Refunded at"))
    reference = models.CharField(_("Reference"), max_length=128, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["refunded_at"]
        verbose_name = _("Line refund")
        verbose_name_plural = _("Line refunds")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="linerefund_positive")]

    def __str__(self):
        return f"{self.line_id}: {self.amount}"


class PaymentRecord(models.Model):
    """A bank transfer against an invoice, recorded by staff when the money arrived."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="bank_payments")
    amount = models.DecimalField(
        _("Amount (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("Date received"))
    reference = models.CharField(_("Bank reference"), max_length=128)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("Bank payment")
        verbose_name_plural = _("Bank payments")

    def __str__(self):
        return f"{self.reference}: {self.amount}"


class YearSnapshot(models.Model):
    """An organisation's figures for a year, frozen by staff at year end; reports show these afterwards."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="snapshots")
    year = models.PositiveSmallIntegerField(_("Year"))
    target = models.DecimalField(_("Target"), max_digits=14, decimal_places=2, null=True)
    counted = models.DecimalField(_("Counted"), max_digits=14, decimal_places=2)
    paired_counted = models.DecimalField(_("Counted for paired counties"), max_digits=14, decimal_places=2)
    rollup_target = models.DecimalField(_("Roll-up target"), max_digits=14, decimal_places=2, null=True)
    rollup_counted = models.DecimalField(_("Roll-up counted"), max_digits=14, decimal_places=2)
    by_purpose = models.JSONField(_("Figures by purpose"), default=dict)
    breakdowns = models.JSONField(_("Breakdowns"), default=dict)
    frozen_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Frozen by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "organisation"]
        verbose_name = _("Frozen year")
        verbose_name_plural = _("Frozen years")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="snapshot_unique_year")]

    def __str__(self):
        return f"{self.organisation} {self.year}"


class LedgerEntry(models.Model):
    """One organisation's own orders' counted figures for one year, as quotas.refresh_ledger() last
    computed them from the live aggregate, so staff pages read a row per organisation instead of a year
    of order lines. Units, affiliated bodies and roll-ups are composed from these rows when read."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ledger_entries")
    year = models.PositiveSmallIntegerField(_("Year"))
    counted = models.DecimalField(_("Counted"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    q1 = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    q2 = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    q3 = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    q4 = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # {purpose: "amount"} and {origin county code: "amount"}: the parts of `counted`, as strings.
    by_purpose = models.JSONField(default=dict)
    by_county = models.JSONField(default=dict)
    # The rest of the report's breakdowns, the same way: {origin province code: "amount"},
    # {first category's name: "amount"} and {"YYYY-MM" (Asia/Shanghai): "amount"}.
    by_province = models.JSONField(default=dict)
    by_category = models.JSONField(default=dict)
    by_month = models.JSONField(default=dict)
    awaiting_acceptance = models.DecimalField(
        _("Counted provisionally, awaiting acceptance"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    line_count = models.PositiveIntegerField(_("Counted lines"), default=0)
    order_count = models.PositiveIntegerField(_("Orders with counted lines"), default=0)
    # The organisation's order lines of the year that do not count: {reason: [lines, "line totals"]}.
    not_counted = models.JSONField(default=dict)
    # Which figures the row holds (quotas.LEDGER_REVISION when written): rows written before a field was
    # added are recomputed when read (quotas.unit_ledger_figures) and by the recount.
    revision = models.PositiveSmallIntegerField(default=0)
    recomputed_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "organisation"]
        verbose_name = _("Quota ledger entry")
        verbose_name_plural = _("Quota ledger entries")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="ledger_unique_year")]

    def __str__(self):
        return f"{self.organisation} {self.year}"


class FinanceBureau(models.Model):
    """A finance bureau (财政局): its members review and follow every unit registered in its region."""

    name = models.CharField(_("Name"), max_length=128)
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("Region"),
        on_delete=models.PROTECT,
        related_name="finance_bureaus",
        help_text=_("A province, prefecture-level city or county: the bureau covers every unit within it."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("Members"), blank=True, related_name="finance_bureaus"
    )
    is_active = models.BooleanField(_("Active"), default=True)

    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("Finance bureau")
        verbose_name_plural = _("Finance bureaus")

    def __str__(self):
        return self.name

    @property
    def region_prefix(self) -> str:
        """The GB/T 2260 code prefix every division of the bureau's region starts with."""
        digits = {"province": 2, "city": 4}.get(self.region.level, 6)
        return self.region_id[:digits]


class DeclarationDeadline(models.Model):
    """The last day on which organisations may submit their declaration of a year."""

    year = models.PositiveSmallIntegerField(
        _("Year"), unique=True, validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    deadline = models.DateField(_("Submission deadline"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("Declaration deadline")
        verbose_name_plural = _("Declaration deadlines")

    def __str__(self):
        return f"{self.year}: {self.deadline}"


class Declaration(models.Model):
    """An organisation's declared canteen food spending for a year, reviewed before it sets the target.

    The transitions live in shop/institutions/declarations.py; the history keeps every change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="declarations")
    year = models.PositiveSmallIntegerField(
        _("Year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    declared_canteen_spending = models.DecimalField(
        _("Declared canteen food spending (CNY)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    share = models.DecimalField(
        _("Reserved share applied"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=SHARE_VALIDATORS,
        help_text=_("Frozen when the declaration is approved."),
    )
    reason = models.TextField(_("Reason"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("Submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "organisation"]
        verbose_name = _("Declaration")
        verbose_name_plural = _("Declarations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="declaration_unique_year"),
            models.CheckConstraint(condition=Q(declared_canteen_spending__gt=0), name="declaration_positive"),
        ]
        indexes = [models.Index(fields=["status", "year"], name="declaration_status_year")]

    def __str__(self):
        return f"{self.organisation} {self.year}"


class LineAcceptance(models.Model):
    """The buying unit's acceptance (验收) of one line of an organisation order: what arrived in good order.

    Only the accepted quantity counts toward the quota (shop.institutions.acceptance, quotas)."""

    line = models.OneToOneField("order.Line", on_delete=models.CASCADE, related_name="acceptance")
    accepted_quantity = models.PositiveIntegerField(_("Accepted quantity"))
    note = models.TextField(_("Shortfall or damage"), blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("Accepted at"))

    class Meta:
        verbose_name = _("Line acceptance")
        verbose_name_plural = _("Line acceptances")

    def __str__(self):
        return f"{self.line_id}: {self.accepted_quantity}"
