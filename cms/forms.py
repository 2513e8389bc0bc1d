from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms import auth as wagtail_auth_forms


class CampaignPageForm(WagtailAdminPageForm):
    """A discount needs something to discount: chosen products or a category."""

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("discount_percent")
            and not cleaned_data.get("category")
            and not self._has_products()
        ):
            self.add_error(
                "discount_percent", _("Choose products or a category for the discount to apply to.")
            )
        return cleaned_data

    def _has_products(self):
        formset = self.formsets.get("campaign_products")
        if formset is None or not formset.is_valid():
            return True  # the formset reports its own errors
        return any(
            form.cleaned_data.get("product") and not form.cleaned_data.get("DELETE") for form in formset.forms
        )


class AdminLoginForm(wagtail_auth_forms.LoginForm):
    """Wagtail's admin login form: its password field has no label, so Django shows "Password" untranslated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
