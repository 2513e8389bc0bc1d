from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.docking import matching
from shop.docking.models import Demand, Intent, Unit
from shop.institutions.models import Organisation

Category = get_model("catalogue", "Category")
Region = get_model("catalogue", "Region")
Partner = get_model("partner", "Partner")
DateInput = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _region_choices_label(region) -> str:
    return region.full_name


class DemandForm(forms.ModelForm):
    class Meta:
        model = Demand
        fields = [
            "organisation",
            "buyer_name",
            "title",
            "category",
            "specification",
            "quantity",
            "unit",
            "price_min",
            "price_max",
            "delivery_from",
            "delivery_until",
            "delivery_region",
            "origin_region",
            "quote_deadline",
            "certified_required",
            "counts_toward_quota",
            "purpose",
            "delivery_address",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "delivery_from": DateInput,
            "delivery_until": DateInput,
            "quote_deadline": DateInput,
            "specification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.buying_for(user)
        self.fields["organisation"].empty_label = _("None: I buy for an enterprise or market")
        self.fields["category"].queryset = Category.objects.order_by("path")
        self.fields["category"].label_from_instance = lambda category: (
            "—" * (category.depth - 1) + category.name
        )
        regions = Region.objects.select_related("parent", "province").order_by("code")
        # Deliveries go to a province or a city; origins are a province or a former poverty county.
        self.fields["delivery_region"].queryset = regions.exclude(level=Region.Level.COUNTY)
        self.fields["origin_region"].queryset = regions.filter(
            Q(level=Region.Level.PROVINCE) | Q(level=Region.Level.COUNTY, is_poverty_county=True)
        )
        self.fields["delivery_region"].label_from_instance = _region_choices_label
        self.fields["origin_region"].label_from_instance = _region_choices_label

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest target price must not be below the lowest."))
        start, end = cleaned.get("delivery_from"), cleaned.get("delivery_until")
        if start and end and start > end:
            self.add_error("delivery_until", _("The delivery window ends before it starts."))
        if not cleaned.get("organisation") and not (cleaned.get("buyer_name") or "").strip():
            self.add_error("buyer_name", _("Please name the enterprise or market that is buying."))
        if cleaned.get("counts_toward_quota") and not cleaned.get("organisation"):
            self.add_error(
                "counts_toward_quota", _("Only a demand posted for an organisation can count toward a quota.")
            )
        return cleaned


class QuoteForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product offered"), queryset=None)
    unit_price = forms.DecimalField(label=_("Price per unit (CNY)"), max_digits=10, decimal_places=2)
    quantity = forms.IntegerField(label=_("Quantity you can supply"))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, demand, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = matching.quotable_products(demand, partner)
        self.fields["product"].label_from_instance = lambda product: (
            f"{product.get_title()} ✓" if product.is_certified_now else product.get_title()
        )
        self.fields["product"].empty_label = None
        if not self.is_bound:
            self.initial.setdefault("unit", demand.unit)


class AwardForm(forms.Form):
    """One quantity field per quote (award_<quote pk>), left empty for quotes not awarded."""

    po_reference = forms.CharField(label=_("Purchase-order reference"), max_length=64, required=False)

    def __init__(self, *args, quotes, **kwargs):
        super().__init__(*args, **kwargs)
        self.quotes = list(quotes)
        for quote in self.quotes:
            self.fields[f"award_{quote.pk}"] = forms.IntegerField(
                label=quote.partner.name,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric", "min": 0}),
            )

    def parts(self):
        from shop.docking.awards import Part

        return [
            Part(quote, self.cleaned_data.get(f"award_{quote.pk}") or 0)
            for quote in self.quotes
            if self.cleaned_data.get(f"award_{quote.pk}")
        ]


class PushForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Seller"), queryset=Partner.objects.none())

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(county=county).order_by("name")


class IntentForm(forms.ModelForm):
    class Meta:
        model = Intent
        fields = ["partner", "organisation", "product", "quantity", "unit", "amount", "signed_on"]
        widgets = {"signed_on": DateInput}

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(
            pk__in=event.exhibitors.values("seller")
        ).order_by("name")
        self.fields["organisation"].queryset = Organisation.objects.buying_for(user)
        self.fields["organisation"].required = False
        self.fields["organisation"].label = _("Organisation")
