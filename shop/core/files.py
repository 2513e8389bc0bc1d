"""Files are hostile until proven otherwise: how every upload is checked, named, stored and served.

- **Checked by content.** A file's type is decided by its bytes (:func:`sniff`), never by its name or by the
  browser's content type: PDF (``%PDF-``), JPEG, PNG and WebP are the types a scan may be. The name's
  extension must agree with the content, so a PDF or a PNG named ``.html``/``.svg`` is refused with a
  message naming both. Images are decoded whole by Pillow before anything is stored (size, pixel count,
  decompression bombs, truncation: :func:`validate_image_upload`).
- **Named by the shop.** Uploads are stored under a random name with the extension of the detected type
  (:class:`ShopChosenName` as ``upload_to``, :func:`shop_chosen_name` for forms of models we do not own), so
  nothing a user typed ends up in a path or a served name.
- **Private files stay private.** :class:`PrivateStorage` keeps them outside ``MEDIA_ROOT`` (no web server
  publishes them) and :func:`private_download` is the one way to send one: always as an attachment with a
  shop-built name, the content type of the detected type (``application/octet-stream`` for anything else),
  ``X-Content-Type-Options: nosniff`` and a sandboxing ``Content-Security-Policy``, so even a hostile file
  stored before these checks existed can never run as a page of the shop.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

#: Bytes read from the start of a file to decide its type.
HEAD_BYTES = 16

#: The extension given to stored files whose content is none of the allowed types.
UNKNOWN_EXTENSION = "bin"


@dataclass(frozen=True)
class FileType:
    label: str
    extension: str  # the one the shop stores it under
    content_type: str
    extensions: frozenset[str]  # the ones an upload of this type may be named with
    pillow_format: str | None = None

    @property
    def is_image(self) -> bool:
        return self.pillow_format is not None


PDF = FileType("PDF", "pdf", "application/pdf", frozenset({"pdf"}))
JPEG = FileType("JPEG", "jpg", "image/jpeg", frozenset({"jpg", "jpeg"}), "JPEG")
PNG = FileType("PNG", "png", "image/png", frozenset({"png"}), "PNG")
WEBP = FileType("WebP", "webp", "image/webp", frozenset({"webp"}), "WEBP")
IMAGE_TYPES = (JPEG, PNG, WEBP)
SCAN_TYPES = (PDF, *IMAGE_TYPES)


def sniff(head: bytes) -> FileType | None:
    """The allowed type these leading bytes belong to, or None for anything else (HTML, SVG, GIF, …)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def read_head(upload, size: int = HEAD_BYTES) -> bytes:
    """The first bytes of an open file, leaving its position where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def extension_of(name: str) -> str:
    base = posixpath.basename(name or "")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def shop_chosen_name(upload) -> str:
    """A random file name with the extension of the upload's detected type (``.bin`` when unknown)."""
    kind = sniff(read_head(upload))
    return f"{uuid.uuid4().hex}.{kind.extension if kind else UNKNOWN_EXTENSION}"


# --- Validators -----------------------------------------------------------------------------------------


def _already_stored(upload) -> bool:
    """A file already in storage being re-saved (e.g. an edit form that did not change it)."""
    return getattr(upload, "_committed", False) is True and not hasattr(upload, "content_type")


def _display_name(upload) -> str:
    return posixpath.basename(getattr(upload, "name", "") or "") or str(_("the file"))


def check_extension(upload, kind: FileType) -> None:
    """Refuse a file whose name does not end in an extension of the type its content shows."""
    name = _display_name(upload)
    extension = extension_of(getattr(upload, "name", "") or "")
    if extension in kind.extensions:
        return
    expected = ", ".join(f".{choice}" for choice in sorted(kind.extensions))
    if not extension:
        raise ValidationError(
            _("%(name)s contains a %(kind)s file but its name has no extension; name it %(expected)s."),
            code="file_extension",
            params={"name": name, "kind": kind.label, "expected": expected},
        )
    raise ValidationError(
        _(
            "%(name)s contains a %(kind)s file but its name ends in “.%(extension)s”. Only a name ending in "
            "%(expected)s is accepted for it: rename the file and upload it again."
        ),
        code="file_extension",
        params={"name": name, "kind": kind.label, "extension": extension, "expected": expected},
    )


def validate_image_upload(upload) -> None:
    """Accept only JPEG, PNG and WebP files that fully decode within the size and pixel limits."""
    if _already_stored(upload):
        return
    name = _display_name(upload)
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
    kind = sniff(data[:HEAD_BYTES])
    if kind is None or kind.pillow_format != image_format:
        raise ValidationError(
            _("%(name)s is a %(format)s image; only JPEG, PNG and WebP are accepted."),
            code="image_format",
            params={"name": name, "format": image_format},
        )
    check_extension(upload, kind)
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
    """A certificate or licence scan: a PDF within the document size limit, or a decodable image."""
    if _already_stored(upload):
        return
    kind = sniff(read_head(upload))
    if kind is None:
        raise ValidationError(
            _(
                "%(name)s is not a PDF, JPEG, PNG or WebP file (its content was checked, not its name). "
                "Scan the document to one of these types and upload it again."
            ),
            code="file_type",
            params={"name": _display_name(upload)},
        )
    check_extension(upload, kind)
    if kind is PDF:
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
    extension = extension_of(name)
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
    if not read_head(upload, 8).startswith(signatures):
        raise ValidationError(
            _("%(name)s does not contain what its extension says (.%(extension)s)."),
            code="document_content",
            params={"name": name, "extension": extension},
        )


# --- Naming and storage ---------------------------------------------------------------------------------


@deconstructible
class ShopChosenName:
    """``upload_to``: the folder (a strftime pattern) plus :func:`shop_chosen_name` of the uploaded content."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        folder = timezone.now().strftime(self.folder)
        upload = self._upload_of(instance, filename)
        if upload is not None:
            return posixpath.join(folder, shop_chosen_name(upload))
        # No content at hand (a caller saving a name only): trust the name's extension only if it is one of
        # ours, so an odd name still cannot choose how the file is served.
        known = {extension: kind for kind in SCAN_TYPES for extension in kind.extensions}
        kind = known.get(extension_of(filename))
        return posixpath.join(folder, f"{uuid.uuid4().hex}.{kind.extension if kind else UNKNOWN_EXTENSION}")

    def _upload_of(self, instance, filename: str):
        for field in instance._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.upload_to is self:
                field_file = getattr(instance, field.attname)
                if field_file and not field_file._committed:
                    return field_file.file
        return None

    def __eq__(self, other):
        return isinstance(other, ShopChosenName) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)


def private_root() -> str:
    """PRIVATE_MEDIA_ROOT, or a "private-media" folder next to MEDIA_ROOT."""
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
    return configured or os.path.join(os.path.dirname(os.path.abspath(settings.MEDIA_ROOT)), "private-media")


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files no web server publishes (licence and certificate scans); sent only by :func:`private_download`."""

    @property
    def base_location(self):
        return private_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the view that serves them.")


def private_download(field_file, *, download_name: str) -> FileResponse:
    """Send a privately stored file as a download named ``download_name`` plus the detected extension.

    404 when there is no file (or it is gone from disk). The type comes from the content, never from the
    stored name; a file of no allowed type goes out as ``application/octet-stream`` named ``.bin``.
    """
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404
    handle = field_file.storage.open(field_file.name, "rb")
    kind = sniff(read_head(handle))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{download_name}.{kind.extension if kind else UNKNOWN_EXTENSION}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs in a sandbox: no script, no same-origin access.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- Renaming files stored before the shop chose their names ---------------------------------------------


def _manifest_path(manifest: str) -> str:
    return os.path.join(private_root(), "renamed", f"{manifest}.json")


def rename_to_shop_names(model, field_name: str, *, manifest: str) -> int:
    """Give every stored file of ``model.field_name`` a random name with its detected extension.

    For data migrations: a file whose content is none of the allowed types keeps its bytes under a ``.bin``
    name (served only as ``application/octet-stream``). The old names are written to a manifest in the
    private folder so :func:`restore_original_names` can undo it. Returns how many files were renamed.
    """
    storage = PrivateStorage()
    moves = []  # (pk, old name, new name)
    rows = model.objects.exclude(**{field_name: ""}).values_list("pk", field_name).order_by("pk")
    try:
        for pk, old_name in rows.iterator():
            if not storage.exists(old_name):
                continue  # nothing to rename; the download view answers 404 for it
            with storage.open(old_name, "rb") as handle:
                kind = sniff(handle.read(HEAD_BYTES))
            extension = kind.extension if kind else UNKNOWN_EXTENSION
            new_name = posixpath.join(posixpath.dirname(old_name), f"{uuid.uuid4().hex}.{extension}")
            os.replace(storage.path(old_name), storage.path(new_name))
            moves.append((pk, old_name, new_name))
            model.objects.filter(pk=pk).update(**{field_name: new_name})
    except BaseException:
        for _pk, old_name, new_name in reversed(moves):  # the database rolls back; put the files back too
            os.replace(storage.path(new_name), storage.path(old_name))
        raise
    if moves:
        path = _manifest_path(manifest)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(
                [{"pk": pk, "old": old, "new": new} for pk, old, new in moves], handle, ensure_ascii=False
            )
    return len(moves)


def restore_original_names(model, field_name: str, *, manifest: str) -> int:
    """Undo :func:`rename_to_shop_names` from its manifest; returns how many files got their old name back."""
    path = _manifest_path(manifest)
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8") as handle:
        moves = json.load(handle)
    storage = PrivateStorage()
    restored = 0
    for move in moves:
        if not model.objects.filter(pk=move["pk"], **{field_name: move["new"]}).exists():
            continue  # the row changed or went since; leave it as it is
        if storage.exists(move["new"]) and not storage.exists(move["old"]):
            os.replace(storage.path(move["new"]), storage.path(move["old"]))
        model.objects.filter(pk=move["pk"]).update(**{field_name: move["old"]})
        restored += 1
    os.remove(path)
    return restored
