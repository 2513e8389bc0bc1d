from django import forms
from django.utils.translation import gettext_lazy as _


class BankRefundForm(forms.Form):
    """Money returned by bank transfer for one line of an order paid by bank transfer."""

    line = forms.TypedChoiceField(label=_("Order line"), coerce=int)
    amount = forms.DecimalField(
        label=_("Amount refunded (CNY)"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        error_messages={"min_value": _("A refund must be a positive amount.")},
    )
    refunded_on = forms.DateField(
        label=_("Date of the refund transfer"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        label=_("Bank reference"),
        max_length=128,
        error_messages={"required": _("Give the bank reference of the refund transfer.")},
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {line.pk: line for line in lines}
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["line"].choices = [
            (line.pk, f"{line.title} × {line.quantity} (¥{line.line_price_incl_tax:,.2f})") for line in lines
        ]
