"""Wagtail image form with required alt text (WAGTAILIMAGES_IMAGE_FORM_BASE points here)."""

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm


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
