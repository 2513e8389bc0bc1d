import datetime
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct, MissingProductImage
from oscar.apps.catalogue.managers import ProductQuerySet as OscarProductQuerySet
from simple_history.models import HistoricalRecords

from shop.core import dates
from shop.core.files import PrivateStorage, ShopChosenName, validate_scan


class RegionQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=Region.Level.PROVINCE)

    def counties(self):
        return self.filter(level=Region.Level.COUNTY)

    def poverty_counties(self):
        return self.filter(level=Region.Level.COUNTY, is_poverty_county=True)


class Region(models.Model):
    """A GB/T 2260 administrative division: province, prefecture-level city or county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Prefecture-level city")
        COUNTY = "county", _("County")

    code = models.CharField(_("Division code"), max_length=6, primary_key=True)
    name = models.CharField(_("Name"), max_length=64)
    level = models.CharField(_("Level"), max_length=8, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Denormalised: the province this division belongs to (itself for a province)."),
    )
    is_poverty_county = models.BooleanField(
        _("Former national poverty county (脱贫县)"), default=False, db_index=True
    )
    poverty_exit_year = models.PositiveSmallIntegerField(
        _("Year lifted out of poverty"), null=True, blank=True
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        app_label = "catalogue"
        ordering = ["code"]
        verbose_name = _("Region")
        verbose_name_plural = _("Regions")

    def __str__(self):
        return self.name

    @property
    def full_name(self):
        names = []
        if self.province_id and self.province_id != self.code:
            names.append(self.province.name)
        if self.parent_id and self.parent_id not in (self.code, self.province_id):
            names.append(self.parent.name)
        names.append(self.name)
        return " ".join(names)


class ProductQuerySet(OscarProductQuerySet):  # Oscar's dashboard needs browsable_dashboard(), base_queryset()
    """Reusable reads of products. The certification rule lives in certified(), the listing rule in
    listable(), and stock through the partner app's StockRecordQuerySet.available().

    What a listing shows (catalogue and search, CMS product blocks and campaign pages, the help-sell
    rail, county and seller pages, the sitemap, the search index's `available` flag): public products
    that are not variants (a parent stands for its children) and have a priced stock record of their
    own or, for a parent, of a child. A product without a price can never be bought, so it is never
    listed. A sold-out product stays listed, marked sold out; listings that hide it filter in_stock().
    """

    def browsable(self):
        return self.filter(is_public=True, parent__isnull=True)

    def listable(self):
        """What shoppers may see in a listing: public, not a variant, with a price to buy it at."""
        return self.filter(self.listable_condition())

    @staticmethod
    def listable_condition() -> Q:
        priced = _stockrecords().priced()
        return Q(is_public=True, parent__isnull=True) & (
            Exists(priced.filter(product=OuterRef("pk")))
            | Exists(priced.filter(product__parent=OuterRef("pk")))
        )

    def sold_by(self, partner):
        """Products with a stock record of the seller: its own, or for a parent one of a child's."""
        records = _stockrecords().filter(partner=partner)
        return self.filter(
            Exists(records.filter(product=OuterRef("pk")))
            | Exists(records.filter(product__parent=OuterRef("pk")))
        )

    def in_stock(self):
        return self.filter(self.in_stock_condition())

    def with_stock_flag(self):
        """Annotate `in_stock`, the stock rule of StockRecordQuerySet.available() for each product."""
        return self.annotate(in_stock=self.in_stock_condition())

    @staticmethod
    def in_stock_condition(product: str = "pk"):
        """A record of the product (`product` names it through OuterRef), or of one of its children, is available."""
        available = _stockrecords().available()
        return Exists(available.filter(product=OuterRef(product))) | Exists(
            available.filter(product__parent=OuterRef(product))
        )

    def for_cards(self):
        """Everything a product card shows fetched up front: certification, stock and help-sell flags,
        units sold, origin, images."""
        return (
            self.with_certified_flag()
            .with_stock_flag()
            .with_help_sell_flag()
            .with_units_sold()
            .select_related("origin_county", "origin_province", "product_class")
            .prefetch_related("stockrecords", "stockrecords__partner", "images")
        )

    def with_help_sell_flag(self):
        """Annotate `is_help_sell`: the seller's help-sell call is running (HelpSellFlag.objects.active())."""
        from oscar.core.loading import get_model

        running = get_model("sellers", "HelpSellFlag").objects.active()
        return self.annotate(is_help_sell=Exists(running.filter(product=OuterRef("pk"))))

    def with_units_sold(self):
        """Annotate `units_sold`: units on paid orders (Order.objects.paid()), a parent's including its
        children's. Two indexed sums per product row, so only for a page of cards."""
        from oscar.core.loading import get_model

        lines = get_model("order", "Line").objects.filter(
            order__in=get_model("order", "Order").objects.paid()
        )

        def units(of):
            summed = lines.filter(**{of: OuterRef("pk")}).order_by().values(of).annotate(n=Sum("quantity"))
            return Coalesce(Subquery(summed.values("n")[:1]), 0)

        return self.annotate(units_sold=units("product") + units("product__parent"))

    def certified(self, on: datetime.date | None = None):
        """Products with an approved certificate valid on `on` (default: today, Asia/Shanghai)."""
        return self.filter(self.certified_condition(on))

    def uncertified(self, on: datetime.date | None = None):
        return self.exclude(self.certified_condition(on))

    def with_certified_flag(self, on: datetime.date | None = None):
        return self.annotate(is_certified_now=self.certified_condition(on))

    @staticmethod
    def certified_condition(on: datetime.date | None = None):
        valid = ProductCertificate.objects.valid(on=on).filter(product=OuterRef("pk"))
        return Exists(valid)

    def from_province(self, codes):
        return self.filter(origin_province__in=codes)

    def from_county(self, codes):
        return self.filter(origin_county__in=codes)


def _stockrecords():
    # The partner app's models import this module (credit codes), so its manager is fetched when used.
    from oscar.core.loading import get_model

    return get_model("partner", "StockRecord").objects


class Category(AbstractCategory):
    """Oscar's category plus whether its products are agricultural and sideline products (农副产品),
    the only ones that count toward consumption-aid quotas (catalogue_ext.agricultural)."""

    is_agricultural = models.BooleanField(
        _("Agricultural or sideline products"),
        null=True,
        blank=True,
        help_text=_(
            "Only agricultural and sideline products count toward organisations' quotas. "
            "Leave unknown to inherit from the parent category (a top-level category is agricultural)."
        ),
    )

    class Meta(AbstractCategory.Meta):
        app_label = "catalogue"


class Product(AbstractProduct):
    title_en = models.CharField(
        _("English title"),
        max_length=255,
        blank=True,
        help_text=_("Optional. Shoppers who search in English find the product by it."),
    )
    origin_county = models.ForeignKey(
        Region,
        verbose_name=_("Origin county"),
        null=True,
        blank=True,  # parent/child products inherit from their parent; the dashboard form requires it
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    # Denormalised from origin_county so that province filters need no join; kept by save().
    origin_province = models.ForeignKey(
        Region, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )

    objects = ProductQuerySet.as_manager()
    browsable = None  # Oscar's BrowsableProductManager is replaced by objects.browsable()

    class Meta(AbstractProduct.Meta):
        app_label = "catalogue"
        indexes = [
            models.Index(fields=["is_public", "origin_province"], name="product_public_province"),
            models.Index(fields=["is_public", "origin_county"], name="product_public_county"),
            models.Index(fields=["-date_created"], name="product_newest"),
        ]

    def save(self, *args, **kwargs):
        self.origin_province_id = self.origin_county.province_id if self.origin_county_id else None
        super().save(*args, **kwargs)

    def get_missing_image(self):
        """Oscar's placeholder image, whose symlink concurrent first requests may both try to create."""
        try:
            return super().get_missing_image()
        except ImproperlyConfigured:
            # Oscar checks, then symlinks: the request that lost the race finds the link made for it.
            if os.path.exists(os.path.join(settings.MEDIA_ROOT, settings.OSCAR_MISSING_IMAGE_URL)):
                return MissingProductImage()
            raise

    def has_review_by(self, user):
        """Oscar's check, remembered for the page: the product page asks it twice."""
        answers = self.__dict__.setdefault("_reviewed_by", {})
        if user.pk not in answers:
            answers[user.pk] = super().has_review_by(user)
        return answers[user.pk]

    def current_certificate(self, on: datetime.date | None = None):
        return ProductCertificate.objects.valid(on=on).filter(product=self).order_by("-expiry_date").first()


class CertificateQuerySet(models.QuerySet):
    def valid(self, on: datetime.date | None = None):
        """The one definition of a certificate that makes its product certified."""
        on = on or dates.today()
        return self.filter(
            status=ProductCertificate.Status.APPROVED,
            expiry_date__gte=on,
        ).filter(Q(issue_date__isnull=True) | Q(issue_date__lte=on))


class ProductCertificate(models.Model):
    """A poverty-alleviation / consumption-aid product certificate (扶贫产品认定 / 消费帮扶产品认定)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="certificates", verbose_name=_("Product")
    )
    number = models.CharField(_("Certificate number"), max_length=64)
    issuing_authority = models.CharField(_("Issuing authority"), max_length=128)
    catalogue_batch = models.CharField(_("National catalogue batch"), max_length=64, blank=True)
    issue_date = models.DateField(_("Issue date"))
    expiry_date = models.DateField(_("Expiry date"))
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(_("Reason"), blank=True)
    # Private like sellers' licence scans: served only by sellers:certificate-scan, never from MEDIA_URL.
    scan = models.FileField(
        _("Certificate scan"),
        upload_to=ShopChosenName("certificates/%Y/%m/"),
        blank=True,
        validators=[validate_scan],
        storage=PrivateStorage(),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "expiry_notice_sent_at"])

    class Meta:
        app_label = "catalogue"
        ordering = ["-expiry_date"]
        verbose_name = _("Product certificate")
        verbose_name_plural = _("Product certificates")
        indexes = [models.Index(fields=["product", "status", "expiry_date"], name="cert_validity")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__gte=models.F("issue_date")), name="cert_expiry_after_issue"
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.get_status_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.issue_date and self.expiry_date and self.expiry_date < self.issue_date:
            raise ValidationError({"expiry_date": _("The expiry date cannot be before the issue date.")})

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or dates.today()
        return (
            self.status == self.Status.APPROVED
            and self.expiry_date >= day
            and (self.issue_date is None or self.issue_date <= day)
        )


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
