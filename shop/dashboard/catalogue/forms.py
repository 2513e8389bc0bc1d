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
            field.help_text = _("Counties in your own province (see the README's Sellers section).")


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
