from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.orders import forms as oscar_forms

from shop.order import statuses


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


def _labelled(choices):
    return [(key, statuses.order_label(key) if key else label) for key, label in choices]


class OrderSearchForm(oscar_forms.OrderSearchForm):
    """Oscar lists the status keys themselves (pending_payment); staff read their labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _labelled(self.fields["status"].choices)


class OrderStatusForm(oscar_forms.OrderStatusForm):
    def __init__(self, order, *args, **kwargs):
        super().__init__(order, *args, **kwargs)
        self.fields["new_status"].choices = _labelled(self.fields["new_status"].choices)
