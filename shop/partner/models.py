"""Sellers and their stock.

The stock rule, written once here (StockRecordQuerySet for SQL, StockRecord for Python) and used by
every listing, the search index, CMS blocks, seller pages, order placement and the page cache:

- A stock record's *available quantity* is what is in stock and not yet allocated to orders:
  `num_in_stock - num_allocated`, a missing number counting as 0 (`StockRecord.net_stock_level` in
  Python, the `available_quantity` annotation in SQL).
- A stock record is *available to buy* when it has a price and either its product's class does not
  track stock (a child product follows its parent's class) or its available quantity is above 0.
  This is the purchase rule Oscar's basket enforces (its `StockRequired` availability policy plus
  the "no price, cannot be added" check): untracked stock never runs out, but a product without a
  stock record or without a price can never be bought.
- A product is *in stock* when one of its own stock records, or for a parent one of its children's,
  is available to buy (`Product.objects.in_stock()` in the catalogue).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord

from catalogue_ext.credit_codes import validate_credit_code

phone_validator = RegexValidator(
    r"^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$",
    _("Enter a mainland mobile number (11 digits starting with 1) or a landline with area code."),
)


class Partner(AbstractPartner):
    """A seller: an enterprise, cooperative, village collective or family farm in a county."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        COOPERATIVE = "cooperative", _("Farmers' cooperative")
        VILLAGE_COLLECTIVE = "village_collective", _("Village collective")
        FAMILY_FARM = "family_farm", _("Family farm")

    kind = models.CharField(_("Kind"), max_length=24, choices=Kind.choices, default=Kind.ENTERPRISE)
    credit_code = models.CharField(
        _("Unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as printed on the business licence."),
    )
    county = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("County"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sellers",
        limit_choices_to={"level": "county"},
    )
    contact_name = models.CharField(_("Contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(
        _("Contact phone"), max_length=32, blank=True, validators=[phone_validator]
    )
    description = models.TextField(_("About the seller"), blank=True)
    households_linked = models.PositiveIntegerField(_("Households linked (带农户数)"), default=0)
    links_by_wages = models.BooleanField(_("Wages (务工就业)"), default=False)
    links_by_asset_income = models.BooleanField(_("Asset income (资产收益/入股分红)"), default=False)
    links_by_business_income = models.BooleanField(_("Business income (订单收购/经营收入)"), default=False)
    linkage_description = models.TextField(_("How the seller links farmers to income"), blank=True)

    class Meta(AbstractPartner.Meta):
        app_label = "partner"
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="partner_unique_credit_code"
            )
        ]

    @property
    def linkage_mechanisms(self):
        labels = []
        for field in ("links_by_wages", "links_by_asset_income", "links_by_business_income"):
            if getattr(self, field):
                labels.append(self._meta.get_field(field).verbose_name)
        return labels


class StockRecordQuerySet(models.QuerySet):
    """Reusable reads of stock records. The availability rule lives in available_condition()."""

    def annotate_available_quantity(self):
        """Annotate `available_quantity`: in stock and not yet allocated (missing numbers count as 0)."""
        return self.annotate(available_quantity=available_quantity_expression())

    def priced(self):
        return self.filter(price__isnull=False)

    def available(self):
        """Records that can be bought now: priced, and in stock or of a class that does not track stock."""
        return self.filter(self.available_condition())

    @staticmethod
    def available_condition() -> Q:
        """The availability rule as a Q on stock records (a child product follows its parent's class)."""
        untracked = Q(product__product_class__track_stock=False) | Q(
            product__parent__product_class__track_stock=False
        )
        return Q(price__isnull=False) & (untracked | Q(num_in_stock__gt=Coalesce("num_allocated", 0)))


def available_quantity_expression():
    return Coalesce("num_in_stock", 0) - Coalesce("num_allocated", 0)


class StockRecord(AbstractStockRecord):
    objects = StockRecordQuerySet.as_manager()

    class Meta(AbstractStockRecord.Meta):
        app_label = "partner"

    @property
    def net_stock_level(self) -> int:
        """In stock and not yet allocated, a missing number counting as 0 (the `available_quantity` annotation)."""
        return (self.num_in_stock or 0) - (self.num_allocated or 0)

    @property
    def tracks_stock(self) -> bool:
        product_class = self.product.get_product_class()
        return product_class.track_stock if product_class is not None else True

    def is_available(self, quantity: int = 1) -> bool:
        """Whether `quantity` can be bought from this record now: the rule of available_condition()."""
        if self.price is None:
            return False
        return not self.tracks_stock or self.net_stock_level >= quantity


from oscar.apps.partner.models import *  # noqa: E402,F401,F403
