"""Private uploads (business licences): stored outside MEDIA_ROOT, so no web server publishes them.

They are served only by permission-checked views (views.ApplicationLicenceView).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_root() -> str:
    """PRIVATE_MEDIA_ROOT, or a "private-media" folder next to MEDIA_ROOT."""
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
    return configured or os.path.join(os.path.dirname(os.path.abspath(settings.MEDIA_ROOT)), "private-media")


@deconstructible
class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self):
        return private_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the view that serves them.")
