"""Thumbnails stored next to the media they come from, found by name: no database look-ups per image."""

import hashlib
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from oscar.core.thumbnails import AbstractThumbnailer
from PIL import Image, ImageOps


@dataclass(frozen=True)
class Thumbnail:
    name: str

    @property
    def url(self):
        return default_storage.url(self.name)


class FileThumbnailer(AbstractThumbnailer):
    """Deterministic thumbnail names; generated once on first use with Pillow."""

    def generate_thumbnail(self, source, **opts):
        name = getattr(source, "name", None) or str(source or "")
        if not name:
            return None
        size = opts.get("size", "x155")
        width, _, height = size.partition("x")
        digest = hashlib.sha1(f"{name}|{size}".encode()).hexdigest()[:16]
        thumb_name = f"thumbs/{digest[:2]}/{digest}.jpg"
        if not default_storage.exists(thumb_name):
            try:
                self._render(name, thumb_name, int(width or 0), int(height or 0))
            except (OSError, ValueError):
                return Thumbnail(name)  # fall back to the original rather than break a page
        return Thumbnail(thumb_name)

    def _render(self, name, thumb_name, width, height):
        with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            box_w = width or image.width * 10
            box_h = height or image.height * 10
            image.thumbnail((box_w, box_h))
            buffer = BytesIO()
            image.save(buffer, "JPEG", quality=82, optimize=True)
        default_storage.save(thumb_name, ContentFile(buffer.getvalue()))

    def delete_thumbnails(self, source):
        # Names are hashes of the source name and size; an orphaned thumbnail is never served again.
        return None
