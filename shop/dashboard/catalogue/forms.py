from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.core.loading import get_model
from treebeard.forms import movenodeform_factory

from shop.core.files import shop_chosen_name, validate_image_upload
from shop.sellers import listings

Region = get_model("catalogue", "Region")
Category = get_model("catalogue", "Category")

AGRICULTURAL_CHOICES = [
    ("unknown", _("Inherit from the parent category")),
    ("true", _("Yes: agricultural or sideline products")),
    ("false", _("No: does not count toward quotas")),
]


class CategoryForm(
    oscar_forms.SEOFormMixin,
    movenodeform_factory(
        Category,
        form=oscar_forms.BaseCategoryForm,
        fields=[*oscar_forms.BaseCategoryForm._meta.fields, "is_agricultural"],
        exclude=["ancestors_are_public"],
        widgets={
            "meta_description": forms.Textarea(attrs={"class": "no-widget-init"}),
            "is_agricultural": forms.NullBooleanSelect,
        },
    ),
):
    """Oscar's category form plus whether the category holds agricultural and sideline products."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave blank to generate from category name")
        widget = self.fields["is_agricultural"].widget
        widget.choices = AGRICULTURAL_CHOICES
        widget.attrs["class"] = "form-control"


# Help written for a county seller filling the form on a phone (Oscar's speaks of UPC councils and ISBNs).
PRODUCT_HELP = {
    "title": _("The name shoppers see, with the variety and pack size, e.g. 安远脐橙 5斤装 新鲜现摘."),
    "upc": _(
        "The barcode number on the package (often 13 digits starting with 69). Leave blank if there is none."
    ),
    "description": _(
        "Taste, size, how it is grown or made, how to store it, and what exactly the box holds."
    ),
    "is_public": _("Show this product in the shop. Untick to hide it while you are still preparing it."),
    "is_discountable": _("Let this product take part in promotions and coupons."),
    "priority": _("Products with a higher number are shown first in your shop."),
    "slug": _("Part of the product's web address. Leave blank and it is made from the name."),
    "meta_title": _("Title for search engines. Leave blank to use the product name."),
    "meta_description": _("One or two sentences for search engines. Leave blank to use the description."),
}
STOCK_HELP = {
    "partner_sku": _("Your own item number (货号). Imports use it to find the product again."),
    "price": _("The price a shopper pays, in yuan, including tax."),
    "num_in_stock": _("How many you can ship now. Orders stop when it reaches zero."),
    "low_stock_threshold": _("We e-mail you when the stock falls to this number."),
}


def _explain(form, help_texts):
    for name, text in help_texts.items():
        if name in form.fields:
            form.fields[name].help_text = text


class ProductForm(oscar_forms.ProductForm):
    """Oscar's product form plus the origin county, limited to what the user may choose."""

    class Meta(oscar_forms.ProductForm.Meta):
        fields = [*oscar_forms.ProductForm.Meta.fields, "title_en", "origin_county"]

    def __init__(self, product_class, *args, user=None, **kwargs):
        super().__init__(product_class, *args, **kwargs)
        if "origin_county" in self.fields:
            field = self.fields["origin_county"]
            field.queryset = (
                listings.allowed_origin_counties(user) if user is not None else Region.objects.counties()
            ).select_related("parent")
            field.required = not self.instance.is_child
            field.help_text = _(
                "The county where the product is grown or made: a county of your own province."
            )
        _explain(self, PRODUCT_HELP)


class StockRecordForm(oscar_forms.StockRecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _explain(self, STOCK_HELP)


class ProductImageForm(oscar_forms.ProductImageForm):
    def clean_original(self):
        """Decode every new upload with Pillow before anything is stored; store it under a name we choose."""
        original = self.cleaned_data.get("original")
        if isinstance(original, UploadedFile):
            try:
                validate_image_upload(original)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.messages)
            # Oscar's upload_to keeps the uploaded name; the folder stays Oscar's, the name becomes ours.
            original.name = shop_chosen_name(original)
        return original
