"""Wagtail image form with required alt text (WAGTAILIMAGES_IMAGE_FORM_BASE points here)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

from shop.core.files import shop_chosen_name, validate_image_upload


class ImageForm(BaseImageForm):
    """Every image needs a description: it is the alt text wherever the image appears."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            field = self.fields["description"]
            field.required = True
            field.label = _("Alt text (description)")
            field.help_text = _(
                "Describe the image for people who cannot see it, e.g. 赣南脐橙果园里采摘的农户."
            )

    def clean_file(self):
        """Check a new upload by its content, then store it under a name the shop chooses."""
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                validate_image_upload(upload)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.messages)
            upload.name = shop_chosen_name(upload)
        return upload
