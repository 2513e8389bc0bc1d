from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.customer.forms import ChineseAddressFormMixin


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = list(methods)
        self.fields["method"].choices = [(method.code, method.label) for method in self.methods]
        if self.methods and not self.is_bound:
            self.initial.setdefault("method", self.methods[0].code)


class ShippingAddressForm(ChineseAddressFormMixin, forms.ModelForm):
    """The checkout's new delivery address, in the Chinese form (the country is always China)."""

    class Meta:
        model = get_model("order", "ShippingAddress")
        fields = ["first_name", "line1", "postcode", "notes"]
