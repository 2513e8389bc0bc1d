from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.offers import forms as oscar_forms


class RestrictionsForm(oscar_forms.RestrictionsForm):
    """Oscar's restrictions step; the combinations field has no verbose name, so its label was English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["combinations"].label = _("Combinable offers")
