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


def _product_label(product) -> str:
    return f"{product.get_title()} ✓" if product.is_certified_now else product.get_title()


class QuoteForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product offered"), queryset=None)
    alternatives = forms.ModelMultipleChoiceField(
        label=_("Also offered"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other products of yours the buyer may choose instead, at the same price."),
    )
    unit_price = forms.DecimalField(label=_("Price per unit (CNY)"), max_digits=10, decimal_places=2)
    quantity = forms.IntegerField(label=_("Quantity you can supply"))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, demand, partner, **kwargs):
        super().__init__(*args, **kwargs)
        quotable = matching.quotable_products(demand, partner)
        self.fields["product"].queryset = quotable
        self.fields["product"].label_from_instance = _product_label
        self.fields["product"].empty_label = None
        self.fields["alternatives"].queryset = quotable
        self.fields["alternatives"].label_from_instance = _product_label
        if not self.is_bound:
            self.initial.setdefault("unit", demand.unit)


class AwardForm(forms.Form):
    """One quantity field per product a quote offers, left empty for what is not awarded: award_<quote pk>
    for its main product, award_<quote pk>_<product pk> for each alternative."""

    po_reference = forms.CharField(label=_("Purchase-order reference"), max_length=64, required=False)

    def __init__(self, *args, quotes, **kwargs):
        super().__init__(*args, **kwargs)
        self.quotes = list(quotes)
        self.offers = []  # (quote, product, is_certified, field name), in the order shown
        for quote in self.quotes:
            offered = [(quote.product, quote.is_certified, f"award_{quote.pk}")]
            offered += [
                (product, product.is_certified, f"award_{quote.pk}_{product.pk}")
                for product in quote.alternatives.all()
            ]
            for product, is_certified, name in offered:
                self.fields[name] = forms.IntegerField(
                    label=f"{quote.partner.name} {product.get_title()}",
                    min_value=0,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"class": "form-control", "inputmode": "numeric", "min": 0}
                    ),
                )
                self.offers.append((quote, product, is_certified, name))

    def parts(self):
        from shop.docking.awards import Part

        return [
            Part(quote, self.cleaned_data[name], product)
            for quote, product, _is_certified, name in self.offers
            if self.cleaned_data.get(name)
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
