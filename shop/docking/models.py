from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.institutions.models import Purpose
from shop.partner.models import phone_validator

POSITIVE_MONEY = [MinValueValidator(Decimal("0.01"))]


class Unit(models.TextChoices):
    """A demand's unit; every quote and award is in the demand's unit, one order line item per unit."""

    JIN = "jin", _("jin (斤)")
    KG = "kg", _("kilogram")
    TONNE = "tonne", _("tonne")
    BOX = "box", _("box")
    BAG = "bag", _("bag")
    PIECE = "piece", _("piece")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Taking quotes")
    QUOTING = "quoting", _("Quotes received")
    PARTLY_AWARDED = "partly_awarded", _("Partly awarded")
    AWARDED = "awarded", _("Awarded")
    FULFILLED = "fulfilled", _("Fulfilled")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# Demands sellers may quote on, shown on the public board.
ON_BOARD = (Status.OPEN, Status.QUOTING)
# Demands with at least one award: their volume is "docked".
DOCKED = (Status.PARTLY_AWARDED, Status.AWARDED, Status.FULFILLED)


class DemandQuerySet(models.QuerySet):
    def on_board(self):
        """Open demands sellers may quote on: open or quoting, quote deadline not passed (Asia/Shanghai)."""
        from shop.core import dates

        return self.filter(status__in=ON_BOARD, quote_deadline__gte=dates.today())

    def visible_to_buyer(self, user):
        """Demands the user posted, or posted for an organisation the user buys for or administers."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(posted_by=user)
            | Q(
                organisation__memberships__user=user,
                organisation__memberships__is_buyer=True,
            )
            | Q(
                organisation__memberships__user=user,
                organisation__memberships__is_administrator=True,
            )
        ).distinct()

    def managed_by(self, user):
        """Demands the user may change, open, award or close: posted by them or for an organisation they buy for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(posted_by=user)
            | Q(organisation__memberships__user=user, organisation__memberships__is_buyer=True)
        ).distinct()


class Demand(models.Model):
    """A purchase demand (采购需求) posted by an organisation or an enterprise/wholesale buyer."""

    organisation = models.ForeignKey(
        "institutions.Organisation",
        verbose_name=_("Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    buyer_name = models.CharField(
        _("Buying enterprise"),
        max_length=128,
        blank=True,
        help_text=_("The enterprise or wholesale market buying, when not buying for an organisation."),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="docking_demands"
    )
    title = models.CharField(_("What is needed"), max_length=120)
    category = models.ForeignKey(
        "catalogue.Category", verbose_name=_("Category"), on_delete=models.PROTECT, related_name="+"
    )
    specification = models.TextField(_("Specification"), blank=True)
    quantity = models.PositiveIntegerField(_("Quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("Unit"), max_length=8, choices=Unit.choices)
    price_min = models.DecimalField(
        _("Target price from (CNY per unit)"), max_digits=10, decimal_places=2, validators=POSITIVE_MONEY
    )
    price_max = models.DecimalField(
        _("Target price up to (CNY per unit)"), max_digits=10, decimal_places=2, validators=POSITIVE_MONEY
    )
    delivery_from = models.DateField(_("Delivery from"))
    delivery_until = models.DateField(_("Delivery until"))
    delivery_region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("Delivery region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin_region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("Only from this region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Optional: a province or county the products must come from."),
    )
    quote_deadline = models.DateField(_("Quote deadline"))
    certified_required = models.BooleanField(_("Certified aid products only"), default=True)
    counts_toward_quota = models.BooleanField(
        _("Counts toward the organisation's quota"),
        default=True,
        help_text=_("Only quotes whose products count toward the quota are accepted."),
    )
    purpose = models.CharField(_("Purpose"), max_length=16, choices=Purpose.choices, default=Purpose.CANTEEN)
    # Private to the buyer and the sellers it awards: never on the public board.
    delivery_address = models.CharField(_("Delivery address"), max_length=200)
    contact_name = models.CharField(_("Contact person"), max_length=64)
    contact_phone = models.CharField(_("Contact phone"), max_length=32, validators=[phone_validator])
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Purchase demand")
        verbose_name_plural = _("Purchase demands")
        indexes = [
            models.Index(fields=["status", "quote_deadline"], name="demand_board"),
            models.Index(fields=["category", "status"], name="demand_category"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="demand_positive_quantity"),
            models.CheckConstraint(
                condition=Q(price_min__lte=models.F("price_max")), name="demand_price_range"
            ),
            models.CheckConstraint(
                condition=Q(delivery_from__lte=models.F("delivery_until")), name="demand_delivery_window"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def buyer_display(self) -> str:
        return self.organisation.name if self.organisation_id else self.buyer_name


class Quote(models.Model):
    """A seller's offer (报价) on a demand at one price per unit of the demand: a main product and, if the
    seller likes, alternatives (other listed products of its own, e.g. another grade or pack of the same
    produce). The buyer awards a quantity of whichever of them it wants, all at the quoted price."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="quotes")
    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="docking_quotes")
    product = models.ForeignKey(
        "catalogue.Product", verbose_name=_("Product offered"), on_delete=models.PROTECT, related_name="+"
    )
    alternatives = models.ManyToManyField(
        "catalogue.Product",
        verbose_name=_("Also offered"),
        blank=True,
        related_name="+",
        help_text=_("Other products of yours the buyer may choose instead, at the same price."),
    )
    unit_price = models.DecimalField(
        _("Price per unit (CNY)"), max_digits=10, decimal_places=2, validators=POSITIVE_MONEY
    )
    quantity = models.PositiveIntegerField(_("Quantity you can supply"), validators=[MinValueValidator(1)])
    lead_time_days = models.PositiveSmallIntegerField(_("Lead time (days)"))
    valid_until = models.DateField(_("Valid until"))
    note = models.TextField(_("Note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit_price", "created_at"]
        verbose_name = _("Quote")
        verbose_name_plural = _("Quotes")
        constraints = [
            models.UniqueConstraint(fields=["demand", "partner"], name="quote_one_per_seller"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="quote_positive_price"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_positive_quantity"),
        ]

    def __str__(self):
        return f"{self.partner} → {self.demand}"

    def offered_product_ids(self) -> list[int]:
        """The main product first, then the alternatives (prefetched by quotes.comparison())."""
        return [self.product_id, *(product.pk for product in self.alternatives.all())]


class Award(models.Model):
    """Part (or all) of a demand awarded to one quote; placed as one Oscar order at the quoted price, one
    line per product of the quote the buyer chose (`quantity` is their sum)."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="awards")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="awards")
    quantity = models.PositiveIntegerField(_("Quantity awarded"))
    unit_price = models.DecimalField(_("Price per unit (CNY)"), max_digits=10, decimal_places=2)
    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="docking_award")
    # The day the seller promised to ship by: the award's day plus the quote's lead time.
    ship_by = models.DateField(_("Ship by"))
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["awarded_at"]
        verbose_name = _("Award")
        verbose_name_plural = _("Awards")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="award_positive_quantity")]

    def __str__(self):
        return f"{self.quote} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class DemandNotice(models.Model):
    """A seller told of a demand: by matching when it opened, or pushed by a county officer. Once each."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="notices")
    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="docking_notices")
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["demand", "partner"], name="notice_once_per_seller")]

    def __str__(self):
        return f"{self.demand_id} → {self.partner_id}"


class Intent(models.Model):
    """A purchase intent (意向) signed with an exhibitor at a trade fair."""

    event = models.ForeignKey("cms.TradeFairPage", on_delete=models.CASCADE, related_name="intents")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "institutions.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "partner.Partner", verbose_name=_("Exhibitor"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.CharField(_("Product"), max_length=120)
    quantity = models.PositiveIntegerField(_("Quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("Unit"), max_length=8, choices=Unit.choices)
    amount = models.DecimalField(
        _("Amount (CNY)"), max_digits=12, decimal_places=2, validators=POSITIVE_MONEY
    )
    signed_on = models.DateField(_("Signed on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        verbose_name = _("Purchase intent")
        verbose_name_plural = _("Purchase intents")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="intent_positive_amount")]

    def __str__(self):
        return f"{self.partner} {self.product} {self.amount}"
