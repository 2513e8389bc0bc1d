import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model
from PIL import Image

from shop.core.files import validate_image_upload
from tests.sellers.conftest import png_bytes

pytestmark = pytest.mark.django_db

ProductImage = get_model("catalogue", "ProductImage")
Product = get_model("catalogue", "Product")


def fake_image():
    return SimpleUploadedFile("photo.jpg", b"this is not a picture at all" * 10, content_type="image/jpeg")


def truncated_image():
    buffer = io.BytesIO()
    Image.effect_noise((400, 400), 60).convert("RGB").save(buffer, format="JPEG", quality=95)
    data = buffer.getvalue()
    return SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")


def decompression_bomb():
    # A tiny PNG that claims 10000 x 10000 pixels (100 MP): it compresses to a few hundred KB.
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    "upload, code",
    [
        (fake_image, "image_unreadable"),
        (truncated_image, "image_corrupt"),
        (decompression_bomb, "image_bomb"),
    ],
)
def test_validator_refuses_bad_images_with_a_specific_error(upload, code):
    with pytest.raises(ValidationError) as refusal:
        validate_image_upload(upload())

    assert refusal.value.code == code


def test_validator_accepts_a_real_png_and_webp():
    validate_image_upload(SimpleUploadedFile("ok.png", png_bytes(), content_type="image/png"))
    validate_image_upload(
        SimpleUploadedFile("ok.webp", png_bytes(image_format="WEBP"), content_type="image/webp")
    )


def test_validator_refuses_a_decodable_gif():
    with pytest.raises(ValidationError) as refusal:
        validate_image_upload(
            SimpleUploadedFile("x.gif", png_bytes(image_format="GIF"), content_type="image/gif")
        )

    assert refusal.value.code == "image_format"


def image_post(product, upload):
    from tests.sellers.test_onboarding import product_form_data

    record = product.stockrecords.get()
    data = product_form_data(
        record.partner, product.origin_county, title=product.title, sku=record.partner_sku
    )
    data.update(
        {
            "stockrecords-INITIAL_FORMS": "1",
            "stockrecords-0-id": record.pk,
            "images-TOTAL_FORMS": "1",
            "images-0-original": upload,
            "images-0-caption": "",
            "images-0-display_order": "0",
            "images-0-product": product.pk,
            "title": "改过的标题",
        }
    )
    return data


@pytest.mark.parametrize("upload", [fake_image, truncated_image, decompression_bomb])
def test_dashboard_image_upload_refuses_bad_files_and_saves_nothing(client, seller_user, own_product, upload):
    client.force_login(seller_user)

    response = client.post(
        reverse("dashboard:catalogue-product", kwargs={"pk": own_product.pk}),
        image_post(own_product, upload()),
    )

    assert response.status_code == 200
    assert response.context["image_formset"].errors[0]["original"]
    assert not ProductImage.objects.filter(product=own_product).exists()
    own_product.refresh_from_db()
    assert own_product.title != "改过的标题"


def test_dashboard_image_upload_accepts_a_real_image(client, seller_user, own_product):
    client.force_login(seller_user)

    response = client.post(
        reverse("dashboard:catalogue-product", kwargs={"pk": own_product.pk}),
        image_post(
            own_product, SimpleUploadedFile("orange.png", png_bytes((64, 64)), content_type="image/png")
        ),
    )

    assert response.status_code == 302
    assert ProductImage.objects.filter(product=own_product).count() == 1


def test_dashboard_image_upload_is_stored_under_a_name_the_shop_chooses(client, seller_user, own_product):
    client.force_login(seller_user)

    client.post(
        reverse("dashboard:catalogue-product", kwargs={"pk": own_product.pk}),
        image_post(
            own_product, SimpleUploadedFile("<橙子>.png", png_bytes((64, 64)), content_type="image/png")
        ),
    )

    name = ProductImage.objects.get(product=own_product).original.name
    assert re.fullmatch(r"images/products/\d{4}/\d{2}/[0-9a-f]{32}\.png", name), name


def test_dashboard_image_upload_refuses_a_png_named_jpg(client, seller_user, own_product):
    client.force_login(seller_user)

    response = client.post(
        reverse("dashboard:catalogue-product", kwargs={"pk": own_product.pk}),
        image_post(
            own_product, SimpleUploadedFile("orange.jpg", png_bytes((64, 64)), content_type="image/jpeg")
        ),
    )

    assert response.status_code == 200
    assert "内容是 PNG 文件，但文件名以“.jpg”结尾" in str(
        response.context["image_formset"].errors[0]["original"]
    )
    assert not ProductImage.objects.filter(product=own_product).exists()
