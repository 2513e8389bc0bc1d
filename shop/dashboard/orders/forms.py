from oscar.apps.dashboard.orders import forms as oscar_forms

from shop.order import statuses


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
