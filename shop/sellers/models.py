import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from catalogue_ext.credit_codes import validate_credit_code
from shop.core import dates
from shop.core.files import PrivateStorage, ShopChosenName, validate_scan
from shop.partner.models import Partner, phone_validator


class SellerApplicationQuerySet(models.QuerySet):
    def for_county(self, county):
        return self.filter(county=county)

    def awaiting_county(self):
        return self.filter(status=SellerApplication.Status.SUBMITTED)

    def awaiting_staff(self):
        return self.filter(status=SellerApplication.Status.RECOMMENDED)


class SellerApplication(models.Model):
    """'The enterprise applies, the county recommends, the platform reviews' (申请—推荐—审核)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting county recommendation")
        RECOMMENDED = "recommended", _("Recommended by the county, awaiting platform review")
        DECLINED = "declined", _("Not recommended by the county")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected by the platform")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seller_applications",
        verbose_name=_("Applicant"),
    )
    entity_name = models.CharField(_("Entity name"), max_length=128)
    kind = models.CharField(_("Kind"), max_length=24, choices=Partner.Kind.choices)
    credit_code = models.CharField(
        _("Unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    county = models.ForeignKey(
        "catalogue.Region",
        on_delete=models.PROTECT,
        related_name="seller_applications",
        verbose_name=_("County"),
        limit_choices_to={"level": "county"},
    )
    contact_name = models.CharField(_("Contact person"), max_length=64)
    contact_phone = models.CharField(_("Contact phone"), max_length=32, validators=[phone_validator])
    licence_scan = models.FileField(
        _("Business licence scan"),
        upload_to=ShopChosenName("seller-applications/%Y/%m/"),
        validators=[validate_scan],
        storage=PrivateStorage(),
    )
    households_linked = models.PositiveIntegerField(_("Households linked (带农户数)"), default=0)
    linkage_description = models.TextField(_("How you link farmers to income"))

    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    county_comment = models.TextField(_("County comment"), blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommended_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("Platform review reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    partner = models.ForeignKey(
        "partner.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SellerApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Seller application")
        verbose_name_plural = _("Seller applications")

    def __str__(self):
        return f"{self.entity_name} ({self.get_status_display()})"


class CountyOfficer(models.Model):
    """A county official (县级部门) who recommends applications and oversees the county's sellers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="county_officer",
        verbose_name=_("User"),
    )
    county = models.ForeignKey(
        "catalogue.Region",
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("County"),
        limit_choices_to={"level": "county"},
    )

    class Meta:
        verbose_name = _("County officer")
        verbose_name_plural = _("County officers")

    def __str__(self):
        return f"{self.user} @ {self.county}"


class HelpSellFlagQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        """Flags still running on `on`: not ended, until-date not passed, and the product still in stock."""
        on = on or dates.today()
        in_stock = get_model("catalogue", "Product").objects.in_stock_condition("product_id")
        return self.filter(ended_at__isnull=True, until__gte=on).filter(in_stock)


class HelpSellFlag(models.Model):
    """A seller's call for help selling a surplus (滞销助销)."""

    class Reason(models.TextChoices):
        HARVEST_GLUT = "harvest_glut", _("Harvest glut")
        TRANSPORT_BLOCKED = "transport_blocked", _("Transport blocked")
        MARKET_COLLAPSE = "market_collapse", _("Market price collapse")
        OTHER = "other", _("Other")

    class EndReason(models.TextChoices):
        UNTIL_DATE = "until_date", _("Until-date reached")
        SOLD_OUT = "sold_out", _("Sold out")
        WITHDRAWN = "withdrawn", _("Withdrawn by the seller")

    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.CASCADE,
        related_name="help_sell_flags",
        verbose_name=_("Product"),
    )
    quantity = models.PositiveIntegerField(_("Surplus quantity"))
    reason = models.CharField(_("Reason"), max_length=24, choices=Reason.choices)
    note = models.TextField(_("Details"), blank=True)
    until = models.DateField(_("Until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)

    objects = HelpSellFlagQuerySet.as_manager()

    class Meta:
        ordering = ["until", "-created_at"]
        verbose_name = _("Help-sell flag")
        verbose_name_plural = _("Help-sell flags")
        indexes = [models.Index(fields=["ended_at", "until"], name="helpsell_running")]

    def __str__(self):
        return f"{self.product} ({self.get_reason_display()})"


class LowStockNotice(models.Model):
    """A low-stock e-mail sent for a stock record: one per crossing of its threshold (lowstock.py)."""

    stockrecord = models.OneToOneField(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="low_stock_notice"
    )
    available = models.IntegerField(_("Available when notified"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Low-stock notice")
        verbose_name_plural = _("Low-stock notices")

    def __str__(self):
        return f"{self.stockrecord} ({self.available})"


class StagedImport(models.Model):
    """An uploaded catalogue file between its dry run and its apply, kept in private storage.

    Only the user who uploaded it may apply it (catalogue_io.staged); it is deleted after the apply or once
    it expires (catalogue_io.discard_expired, also run daily by process_expiries).
    """

    token = models.CharField(max_length=64, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stored_name = models.CharField(max_length=255)  # in PrivateStorage, random
    original_name = models.CharField(max_length=255)
    digest = models.CharField(max_length=64)  # SHA-256 of the checked bytes
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.original_name} ({self.partner_id})"
