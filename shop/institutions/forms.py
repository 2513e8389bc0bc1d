from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from catalogue_ext.credit_codes import normalise
from shop.institutions import fapiao
from shop.institutions.models import AnnualTarget, FapiaoType, Membership, Organisation, Purpose

PERSONAL = "personal"


class OrderTaggingForm(forms.Form):
    """At checkout: personal, or for one of the buyer's organisations with purpose and fapiao request."""

    buy_for = forms.ChoiceField(label=_("This order is"), widget=forms.RadioSelect)
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", "---------"), *Purpose.choices], required=False
    )
    po_reference = forms.CharField(label=_("Purchase-order reference"), max_length=64, required=False)
    fapiao_type = forms.ChoiceField(label=_("Fapiao type"), choices=FapiaoType.choices, required=False)
    fapiao_title = forms.CharField(label=_("Fapiao title"), max_length=128, required=False)
    taxpayer_id = forms.CharField(label=_("Taxpayer ID"), max_length=20, required=False)
    fapiao_address = forms.CharField(label=_("Registered address"), max_length=200, required=False)
    fapiao_phone = forms.CharField(label=_("Registered phone"), max_length=32, required=False)
    fapiao_bank = forms.CharField(label=_("Bank"), max_length=128, required=False)
    fapiao_account = forms.CharField(label=_("Bank account"), max_length=40, required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(org.pk): org for org in organisations}
        self.fields["buy_for"].choices = [(PERSONAL, _("Personal (not for an organisation)"))] + [
            (pk, org.name) for pk, org in self.organisations.items()
        ]

    def clean(self):
        data = super().clean()
        organisation = self.organisations.get(data.get("buy_for") or "")
        data["organisation"] = organisation
        if organisation is None:
            return data
        if not data.get("purpose"):
            self.add_error("purpose", _("Choose what the organisation buys this for."))
        if not data.get("fapiao_title", "").strip():
            self.add_error("fapiao_title", _("Enter the title to print on the fapiao."))
        taxpayer_id = normalise(data.get("taxpayer_id", ""))
        if not taxpayer_id:
            self.add_error("taxpayer_id", _("Enter the taxpayer ID for the fapiao."))
        else:
            try:
                fapiao.validate_taxpayer_id(taxpayer_id)
                data["taxpayer_id"] = taxpayer_id
            except forms.ValidationError as error:
                self.add_error("taxpayer_id", error)
        if data.get("fapiao_type") == FapiaoType.SPECIAL:
            for name in fapiao.missing_special_fields(data):
                self.add_error(name, _("A special VAT fapiao needs this."))
        return data


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "credit_code",
            "region",
            "parent",
            "relation_to_parent",
            "paired_counties",
            "quota_share",
            "approval_threshold",
            "fapiao_type",
            "fapiao_title",
            "taxpayer_id",
            "fapiao_address",
            "fapiao_phone",
            "fapiao_bank",
            "fapiao_account",
            "is_active",
        ]

    def clean_credit_code(self):
        return normalise(self.cleaned_data.get("credit_code", ""))

    def clean(self):
        data = super().clean()
        if data.get("fapiao_type") == FapiaoType.SPECIAL:
            for name in fapiao.missing_special_fields(data):
                self.add_error(name, _("A special VAT fapiao needs this."))
        return data


class TargetForm(forms.ModelForm):
    class Meta:
        model = AnnualTarget
        fields = ["year", "declared_canteen_spending", "share", "fixed_amount", "paired_share"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def validate_unique(self):
        # organisation is not a form field, so ModelForm would skip the (organisation, year) check.
        try:
            self.instance.validate_unique()
        except forms.ValidationError as error:
            self.add_error("year", error)


class DeclarationForm(forms.Form):
    """What an organisation administrator declares: the year's canteen food spending."""

    declared_canteen_spending = forms.DecimalField(
        label=_("Declared canteen food spending (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"required": _("Enter the declared canteen food spending.")},
    )


class DeclarationReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the declaration is returned, so the administrator can correct it.")
        },
    )


class DeclarationAdjustForm(forms.Form):
    declared_canteen_spending = forms.DecimalField(
        label=_("Adjusted canteen food spending (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    reason = forms.CharField(
        label=_("Reason for the adjustment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the approved declaration is adjusted.")},
    )


class BureauFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2015, max_value=2100)
    city = forms.ChoiceField(label=_("City"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *Organisation.Kind.choices]
    )

    def __init__(self, *args, cities=(), counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities"))] + [(r.code, r.name) for r in cities]
        self.fields["county"].choices = [("", _("All counties"))] + [(r.code, r.full_name) for r in counties]


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person"))
    is_buyer = forms.BooleanField(label=_("Buyer"), required=False, initial=True)
    is_approver = forms.BooleanField(label=_("Approver"), required=False)
    is_administrator = forms.BooleanField(label=_("Administrator"), required=False)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No account uses this e-mail address; ask the person to register first.")
            )
        self.user = user
        return email


class MembershipRolesForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["is_buyer", "is_approver", "is_administrator"]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting (required)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for rejecting: the buyer reads it.")},
    )


class PaymentRecordForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received (CNY)"), max_digits=12, decimal_places=2, min_value=0.01
    )
    paid_on = forms.DateField(label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Bank reference"), max_length=128)


class OverviewFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2015, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *Organisation.Kind.choices]
    )
    region = forms.CharField(label=_("Region code"), required=False, max_length=6)
    sort = forms.ChoiceField(
        required=False,
        choices=[
            (key, key)
            for key in ("name", "-name", "target", "-target", "counted", "-counted", "share", "-share")
        ],
    )
