from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.customer import addresses

UserAddress = get_model("address", "UserAddress")

FIELD_ORDER = ["first_name", "phone", "province", "city", "district", "line1", "postcode", "notes"]


class ChineseAddressFormMixin:
    """收货人, 手机号, 省/市/区 (server-validated selects, cascaded by address.js), 详细地址, postcode.

    The city and district lists hold the choices under what is already chosen, so the form also works
    without JavaScript: choosing a province and submitting shows its cities, and so on.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.initial.get
        if self.instance.pk:  # editing: the ModelForm's initial holds only the Meta fields
            stored = lambda name: getattr(self.instance, name, "")  # noqa: E731
        initial_phone = stored("phone_number")
        if initial_phone and not isinstance(initial_phone, str):
            initial_phone = addresses.mobile_display(initial_phone)
        elif initial_phone:
            initial_phone = initial_phone.removeprefix("+86")
        province, city, district = addresses.codes(
            state=stored("state") or "",
            city=stored("line4") or "",
            district=stored("line3") or "",
        )
        chosen_province = self.data.get(self.add_prefix("province"), province) if self.is_bound else province
        chosen_city = self.data.get(self.add_prefix("city"), city) if self.is_bound else city

        self.fields["first_name"].label = _("Recipient")
        self.fields["first_name"].required = True
        self.fields["first_name"].widget.attrs.update(autocomplete="name")
        self.fields["phone"] = forms.CharField(
            label=_("Mobile number"),
            max_length=20,
            initial=initial_phone,
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel-national"}),
        )
        self.fields["province"] = forms.ChoiceField(
            label=_("Province"),
            initial=province,
            choices=[("", _("Choose a province"))] + addresses.provinces(),
        )
        self.fields["city"] = forms.ChoiceField(
            label=_("City"),
            initial=city,
            error_messages={"invalid_choice": _("Choose a city of the chosen province.")},
            choices=[("", _("Choose a city"))]
            + (addresses.cities(chosen_province) if chosen_province else []),
        )
        self.fields["district"] = forms.ChoiceField(
            label=_("District / county"),
            initial=district,
            error_messages={"invalid_choice": _("Choose a district or county of the chosen city.")},
            choices=[("", _("Choose a district or county"))]
            + (addresses.districts(chosen_city) if chosen_city else []),
        )
        for name in ("province", "city", "district"):
            self.fields[name].widget.attrs.update(
                {"data-region": name, "data-regions-url": reverse("address-regions")}
            )
        self.fields["line1"].label = _("Detailed address")
        self.fields["line1"].required = True
        self.fields["line1"].help_text = _("Street, building, unit and room, e.g. 幸福路1号3栋2单元501")
        self.fields["line1"].widget.attrs.update(autocomplete="street-address")
        self.fields["postcode"].label = _("Postcode (optional)")
        self.fields["postcode"].required = False
        self.fields["postcode"].widget.attrs.update(inputmode="numeric", autocomplete="postal-code")
        if "notes" in self.fields:
            self.fields["notes"].label = _("Delivery notes (optional)")
            self.fields["notes"].help_text = ""
            self.fields["notes"].widget.attrs.update(rows=2)
        self.order_fields(FIELD_ORDER)

    def clean_phone(self):
        return addresses.mainland_mobile(self.cleaned_data["phone"])

    def clean_postcode(self):
        return addresses.postcode(self.cleaned_data.get("postcode"))

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in ("province", "city", "district")]
        if all(chosen):
            try:
                place = addresses.resolve(*chosen)
            except ValidationError as error:
                self.add_error(None, error)
            else:
                self.instance.state = place.province
                self.instance.line4 = place.city
                self.instance.line3 = place.district
        if cleaned.get("phone"):
            self.instance.phone_number = "+86" + cleaned["phone"]
        self.instance.last_name = ""
        self.instance.country = addresses.china()
        return cleaned


class UserAddressForm(ChineseAddressFormMixin, forms.ModelForm):
    """An address in the customer's address book, in the Chinese form."""

    class Meta:
        model = UserAddress
        fields = ["first_name", "line1", "postcode", "notes"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = user
