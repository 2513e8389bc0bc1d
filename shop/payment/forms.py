from django import forms
from django.utils.translation import gettext_lazy as _


class RefundForm(forms.Form):
    """A full refund, or quantities per order line (fields named line_<pk>)."""

    FULL, LINES = "full", "lines"
    scope = forms.ChoiceField(
        label=_("Refund"),
        choices=[(FULL, _("Everything not yet refunded")), (LINES, _("Selected quantities"))],
    )

    def __init__(self, order, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        for line in order.lines.all():
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.title, min_value=0, max_value=line.quantity, required=False
            )

    def quantities(self) -> dict[int, int] | None:
        if self.cleaned_data["scope"] == self.FULL:
            return None
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value
        }
