"""Validation for every uploaded file: size, type and decoded content, before anything is stored."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def _already_stored(upload) -> bool:
    """A file already in storage being re-saved (e.g. an edit form that did not change it)."""
    return getattr(upload, "_committed", False) is True and not hasattr(upload, "content_type")


def _read_head(upload, size=8):
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def validate_image_upload(upload) -> None:
    """Accept only JPEG, PNG and WebP files that fully decode within the size and pixel limits."""
    if _already_stored(upload):
        return
    name = getattr(upload, "name", "") or _("the file")
    if upload.size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is %(size).1f MB; images may be at most %(limit).0f MB."),
            code="image_too_large",
            params={"name": name, "size": upload.size / 1e6, "limit": settings.MAX_IMAGE_UPLOAD_BYTES / 1e6},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
    except UnidentifiedImageError:
        raise ValidationError(
            _("%(name)s is not an image we can read. Upload a JPEG, PNG or WebP file."),
            code="image_unreadable",
            params={"name": name},
        )
    except Image.DecompressionBombError:
        raise ValidationError(
            _("%(name)s has far too many pixels."), code="image_bomb", params={"name": name}
        )
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("%(name)s is a %(format)s image; only JPEG, PNG and WebP are accepted."),
            code="image_format",
            params={"name": name, "format": image_format},
        )
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("%(name)s is %(w)d×%(h)d pixels; images may have at most %(limit)d million pixels."),
            code="image_bomb",
            params={"name": name, "w": width, "h": height, "limit": settings.MAX_IMAGE_PIXELS // 1_000_000},
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes every pixel: truncated files fail here
    except (OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise ValidationError(
            _("%(name)s is damaged or incomplete and cannot be decoded."),
            code="image_corrupt",
            params={"name": name},
        )


def validate_scan(upload) -> None:
    """A certificate or licence scan: a decodable image, or a PDF within the document size limit."""
    if _already_stored(upload):
        return
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        if upload.size > settings.MAX_DOCUMENT_UPLOAD_BYTES:
            raise ValidationError(
                _("The PDF is %(size).1f MB; at most %(limit).0f MB is accepted."),
                code="pdf_too_large",
                params={"size": upload.size / 1e6, "limit": settings.MAX_DOCUMENT_UPLOAD_BYTES / 1e6},
            )
        return
    validate_image_upload(upload)


# Documents: by extension, the leading bytes each kind must start with (None: checked as text).
DOCUMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "csv": None,
    "txt": None,
}


def validate_document_upload(upload) -> None:
    """A document (PDF, Office, ZIP, text): within the size limit, and its content matches its extension."""
    if _already_stored(upload):
        return
    name = getattr(upload, "name", "") or ""
    if upload.size > settings.MAX_DOCUMENT_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is %(size).1f MB; files may be at most %(limit).0f MB."),
            code="document_too_large",
            params={
                "name": name,
                "size": upload.size / 1e6,
                "limit": settings.MAX_DOCUMENT_UPLOAD_BYTES / 1e6,
            },
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationError(
            _("%(name)s: only %(allowed)s files are accepted."),
            code="document_type",
            params={"name": name, "allowed": ", ".join(sorted(DOCUMENT_SIGNATURES))},
        )
    signatures = DOCUMENT_SIGNATURES[extension]
    if signatures is None:
        upload.seek(0)
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(
                _("%(name)s is not a UTF-8 text file."), code="document_content", params={"name": name}
            )
        finally:
            upload.seek(0)
        return
    if not _read_head(upload).startswith(signatures):
        raise ValidationError(
            _("%(name)s does not contain what its extension says (.%(extension)s)."),
            code="document_content",
            params={"name": name, "extension": extension},
        )
