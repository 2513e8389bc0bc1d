from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """The site-wide search box (Oscar's context processor renders it on every page)."""

    q = forms.CharField(
        required=False,
        label=_("Search"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Search products, counties…"), "type": "search"}),
    )
