import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model
from PIL import Image

from shop.security import uploads_policy

ProductImage = get_model("catalogue", "ProductImage")


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_every_file_field_of_every_model_validates_uploads_with_shop_core_files():
    fields = list(uploads_policy.file_fields())
    unguarded = [
        f"{model._meta.label}.{field.name}"
        for model, field in fields
        if not uploads_policy.has_upload_validator(field)
    ]

    assert (
        len(fields) >= 6
    )  # Oscar's product/category images, Wagtail images and documents, certificate scans…
    assert unguarded == []


def test_image_fields_get_the_image_validator_and_other_files_the_document_validator():
    from shop.core import files as uploads

    for _model, field in uploads_policy.file_fields():
        names = {
            validator.__name__ for validator in field.validators if validator.__module__ == uploads.__name__
        }
        if field.get_internal_type() == "ImageField" or field.__class__.__name__.endswith("ImageField"):
            assert names & {"validate_image_upload", "validate_scan"}, field
        else:
            assert names & {"validate_document_upload", "validate_scan"}, field


@pytest.mark.django_db
def test_oscar_product_image_refuses_a_text_file_named_png(certified_product):
    image = ProductImage(product=certified_product, original=SimpleUploadedFile("photo.png", b"not an image"))

    with pytest.raises(ValidationError) as refused:
        image.full_clean()

    assert "original" in refused.value.message_dict


@pytest.mark.django_db
def test_oscar_product_image_refuses_a_truncated_png(certified_product):
    data = png_bytes((400, 300))
    image = ProductImage(
        product=certified_product, original=SimpleUploadedFile("cut.png", data[: len(data) // 2])
    )

    with pytest.raises(ValidationError):
        image.full_clean()


@pytest.mark.django_db
def test_oscar_product_image_accepts_a_real_png_and_revalidating_the_stored_file_is_a_no_op(
    certified_product,
):
    image = ProductImage(product=certified_product, original=SimpleUploadedFile("ok.png", png_bytes()))
    image.full_clean()
    image.save()
    image.original.storage.delete(image.original.name)  # even a missing stored file must not crash an edit

    ProductImage.objects.get(pk=image.pk).full_clean()


@pytest.mark.django_db
def test_wagtail_image_upload_refuses_a_fake_image(admin_client):
    response = admin_client.post(
        "/cms-admin/images/add/",
        {
            "title": "假图片",
            "description": "假图片",
            "file": SimpleUploadedFile("fake.jpg", b"GIF89a-not-really", "image/jpeg"),
        },
    )

    from wagtail.images import get_image_model

    assert response.status_code == 200  # the form again, with the error
    assert not get_image_model().objects.filter(title="假图片").exists()


@pytest.mark.django_db
def test_wagtail_document_upload_refuses_content_that_does_not_match_its_extension(admin_client):
    from wagtail.documents import get_document_model

    response = admin_client.post(
        "/cms-admin/documents/add/",
        {
            "title": "培训讲义",
            "file": SimpleUploadedFile("slides.pdf", b"MZ\x90\x00 an executable", "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert not get_document_model().objects.filter(title="培训讲义").exists()


@pytest.mark.django_db
def test_wagtail_document_upload_accepts_a_real_pdf(admin_client):
    from wagtail.documents import get_document_model

    admin_client.post(
        "/cms-admin/documents/add/",
        {
            "title": "培训讲义",
            "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        },
    )

    assert get_document_model().objects.filter(title="培训讲义").exists()


def test_django_upload_limits_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.MAX_IMAGE_UPLOAD_BYTES <= settings.MAX_REQUEST_BODY_BYTES
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == settings.MAX_IMAGE_UPLOAD_BYTES


@pytest.mark.django_db
def test_request_bodies_above_the_cap_are_refused_before_they_are_read(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    response = client.post("/accounts/login/", {"file": SimpleUploadedFile("big.bin", b"x" * 4096)})

    assert response.status_code == 413


@pytest.mark.django_db
def test_wagtail_image_upload_is_stored_under_a_name_the_shop_chooses(admin_client):
    import re

    from wagtail.images import get_image_model

    response = admin_client.post(
        "/cms-admin/images/add/",
        {
            "title": "果园",
            "description": "赣南脐橙果园",
            "file": SimpleUploadedFile("<果园>.png", png_bytes(), "image/png"),
        },
    )

    assert response.status_code == 302
    name = get_image_model().objects.get(title="果园").file.name
    assert re.fullmatch(r"original_images/[0-9a-f]{32}\.png", name), name
