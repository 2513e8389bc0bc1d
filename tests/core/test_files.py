"""Files are decided by their content, and the name's extension must agree with it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.core import files

PDF_BYTES = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
HTML_WITH_SCRIPT = b"<!doctype html><html><script>document.title='pwned'</script></html>"


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 9), (200, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(name: str, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        files.validate_scan(upload(name, data))
    return refused.value


@pytest.mark.parametrize(
    "image_format, kind",
    [("JPEG", files.JPEG), ("PNG", files.PNG), ("WEBP", files.WEBP)],
)
def test_images_are_recognised_by_their_bytes(image_format, kind):
    assert files.sniff(image_bytes(image_format)[: files.HEAD_BYTES]) is kind


def test_pdf_is_recognised_by_its_bytes_and_markup_is_not_recognised_at_all():
    assert files.sniff(PDF_BYTES) is files.PDF
    assert files.sniff(SVG_WITH_SCRIPT) is None
    assert files.sniff(HTML_WITH_SCRIPT) is None
    assert files.sniff(image_bytes("GIF")) is None


@pytest.mark.parametrize("name", ["x.html", "x.htm", "x.svg"])
def test_a_pdf_named_as_markup_is_refused_with_a_message_naming_the_problem(name):
    refused = refusal(name, PDF_BYTES)

    assert refused.code == "file_extension"
    message = refused.messages[0]
    assert message.startswith(f"{name} 的内容是 PDF 文件")
    assert f"“.{name.rsplit('.', 1)[1]}”" in message
    assert ".pdf" in message


def test_a_png_named_svg_is_refused_with_a_message_naming_the_problem():
    refused = refusal("x.svg", image_bytes("PNG"))

    assert refused.code == "file_extension"
    assert refused.messages[0] == (
        "x.svg 的内容是 PNG 文件，但文件名以“.svg”结尾。此类文件只接受以 .png 结尾的文件名：请重命名文件后重新上传。"
    )


def test_an_image_validator_also_refuses_a_png_named_svg():
    with pytest.raises(ValidationError) as refused:
        files.validate_image_upload(upload("photo.svg", image_bytes("PNG")))

    assert refused.value.code == "file_extension"


def test_a_file_without_an_extension_is_refused():
    assert refusal("scan", PDF_BYTES).code == "file_extension"


@pytest.mark.parametrize(
    "name, data",
    [
        ("x.svg", SVG_WITH_SCRIPT),
        ("x.html", HTML_WITH_SCRIPT),
        ("x.pdf", HTML_WITH_SCRIPT),  # a harmless name does not make markup acceptable
        ("x.png", SVG_WITH_SCRIPT),
    ],
)
def test_svg_and_html_files_are_refused_whatever_their_name(name, data):
    refused = refusal(name, data)

    assert refused.code == "file_type"
    assert refused.messages[0].startswith(f"{name} 不是 PDF、JPEG、PNG 或 WebP 文件")


@pytest.mark.parametrize(
    "name, data",
    [
        ("licence.pdf", PDF_BYTES),
        ("licence.jpg", image_bytes("JPEG")),
        ("licence.jpeg", image_bytes("JPEG")),
        ("licence.PNG", image_bytes("PNG")),
        ("licence.webp", image_bytes("WEBP")),
    ],
)
def test_real_pdf_jpeg_png_and_webp_scans_are_accepted(name, data):
    files.validate_scan(upload(name, data))


@pytest.mark.parametrize(
    "data, extension",
    [
        (PDF_BYTES, "pdf"),
        (image_bytes("JPEG"), "jpg"),
        (image_bytes("WEBP"), "webp"),
        (HTML_WITH_SCRIPT, "bin"),
    ],
)
def test_the_shop_chosen_name_is_random_with_the_detected_extension(data, extension):
    first = files.shop_chosen_name(upload("我的<script>.html", data))
    second = files.shop_chosen_name(upload("我的<script>.html", data))

    assert first.endswith(f".{extension}")
    assert len(first) == 32 + 1 + len(extension)
    assert first != second
