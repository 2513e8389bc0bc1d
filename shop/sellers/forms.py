from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from catalogue_ext.credit_codes import normalise
from shop.core import dates
from shop.core.exceptions import InvalidInput
from shop.order import statuses
from shop.sellers import couriers, import_files
from shop.sellers.models import HelpSellFlag, SellerApplication

Region = get_model("catalogue", "Region")
Partner = get_model("partner", "Partner")
ProductCertificate = get_model("catalogue", "ProductCertificate")
DateInput = forms.DateInput(attrs={"type": "date"})


class SellerApplicationForm(forms.ModelForm):
    class Meta:
        model = SellerApplication
        fields = [
            "entity_name",
            "kind",
            "credit_code",
            "county",
            "contact_name",
            "contact_phone",
            "licence_scan",
            "households_linked",
            "linkage_description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Admission is for sellers in the 832 former national poverty counties (脱贫县).
        self.fields["county"].queryset = Region.objects.poverty_counties().select_related(
            "parent", "province"
        )
        self.fields["county"].label_from_instance = lambda region: region.full_name

    def clean_credit_code(self):
        code = normalise(self.cleaned_data["credit_code"])
        if Partner.objects.filter(credit_code=code).exists():
            raise forms.ValidationError(_("A seller with this credit code is already on the platform."))
        open_statuses = [SellerApplication.Status.SUBMITTED, SellerApplication.Status.RECOMMENDED]
        if SellerApplication.objects.filter(credit_code=code, status__in=open_statuses).exists():
            raise forms.ValidationError(_("An application for this credit code is already being reviewed."))
        return code


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment / reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, choices, reason_required_for, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices
        self.reason_required_for = reason_required_for

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.reason_required_for and not data.get("comment", "").strip():
            self.add_error("comment", _("Please give a reason."))
        return data


def county_decision_form(*args, **kwargs):
    return DecisionForm(
        *args,
        choices=[("recommend", _("Recommend")), ("decline", _("Do not recommend"))],
        reason_required_for="decline",
        **kwargs,
    )


def staff_decision_form(*args, **kwargs):
    return DecisionForm(
        *args,
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        reason_required_for="reject",
        **kwargs,
    )


class CertificateForm(forms.ModelForm):
    class Meta:
        model = ProductCertificate
        fields = [
            "product",
            "number",
            "issuing_authority",
            "catalogue_batch",
            "issue_date",
            "expiry_date",
            "scan",
        ]
        widgets = {"issue_date": DateInput, "expiry_date": DateInput}

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["scan"].required = True

    def clean_expiry_date(self):
        expiry = self.cleaned_data["expiry_date"]
        if expiry < dates.today():
            raise forms.ValidationError(_("This certificate has already expired."))
        return expiry


class ImportForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Seller"), queryset=Partner.objects.none())
    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        if len(partners) == 1:
            self.fields["partner"].initial = partners[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > import_files.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(import_files.too_large_message())
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class ShipForm(forms.Form):
    lines = forms.ModelMultipleChoiceField(
        label=_("Lines"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    courier = forms.ChoiceField(label=_("Courier"), choices=couriers.choices)
    other_courier = forms.CharField(
        label=_("Courier name (if other)"),
        max_length=64,
        required=False,
        help_text=_("Only when the courier is not in the list."),
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        help_text=_("As printed on the waybill; spaces and dashes are ignored."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = lines.filter(status=statuses.LINE_PENDING)
        self.fields["lines"].label_from_instance = lambda line: f"{line.title} × {line.quantity}"
        self.fields["courier"].choices = [("", _("Choose a courier"))] + couriers.choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("courier") and cleaned.get("tracking_number"):
            try:
                cleaned["carrier"], cleaned["tracking_number"] = couriers.check(
                    cleaned["courier"],
                    cleaned["tracking_number"],
                    other_name=cleaned.get("other_courier", ""),
                )
            except InvalidInput as refusal:
                field = "other_courier" if refusal.message == couriers.NAME_REQUIRED else "tracking_number"
                self.add_error(field, refusal.message)
        return cleaned


class HelpSellForm(forms.ModelForm):
    class Meta:
        model = HelpSellFlag
        fields = ["product", "quantity", "reason", "until", "note"]
        widgets = {"until": DateInput}

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < dates.today():
            raise forms.ValidationError(_("The until-date has passed."))
        return until
