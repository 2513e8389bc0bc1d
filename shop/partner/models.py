from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner

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


from oscar.apps.partner.models import *  # noqa: E402,F401,F403
