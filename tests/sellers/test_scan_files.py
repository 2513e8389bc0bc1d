"""Licence and certificate scans: stored under names the shop chooses, sent only as sandboxed downloads."""

import importlib
import json
import os
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from shop.core.files import PrivateStorage, private_root
from shop.sellers.models import SellerApplication
from tests import factories
from tests.core.test_files import HTML_WITH_SCRIPT, PDF_BYTES, SVG_WITH_SCRIPT, image_bytes
from tests.sellers.test_onboarding import apply

ProductCertificate = get_model("catalogue", "ProductCertificate")

pytestmark = pytest.mark.django_db


def submit_certificate(client, seller_user, product, name, data):
    client.force_login(seller_user)
    return client.post(
        reverse("sellers:certificate-submit"),
        {
            "product": product.pk,
            "number": "GN-2026-0099",
            "issuing_authority": "安远县乡村振兴局",
            "issue_date": "2026-01-01",
            "expiry_date": "2099-12-31",
            "scan": SimpleUploadedFile(name, data, content_type="text/html"),
        },
    )


def stored_without_the_validator(name: str, data: bytes) -> str:
    """A file as an upload from before the content checks would have left it."""
    return PrivateStorage().save(name, ContentFile(data))


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("x.html", PDF_BYTES, "x.html 的内容是 PDF 文件，但文件名以“.html”结尾"),
        ("x.svg", image_bytes("PNG"), "x.svg 的内容是 PNG 文件，但文件名以“.svg”结尾"),
        ("x.svg", SVG_WITH_SCRIPT, "x.svg 不是 PDF、JPEG、PNG 或 WebP 文件"),
    ],
)
def test_a_hostile_certificate_scan_is_refused_with_the_reason_and_nothing_is_stored(
    client, seller_user, own_product, name, data, expected
):
    response = submit_certificate(client, seller_user, own_product, name, data)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ProductCertificate.objects.filter(number="GN-2026-0099").exists()
    assert not os.path.exists(os.path.join(private_root(), "certificates"))


@pytest.mark.parametrize(
    "name, data, extension, content_type",
    [
        ("营业执照扫描件.pdf", PDF_BYTES, "pdf", "application/pdf"),
        ("scan.jpeg", image_bytes("JPEG"), "jpg", "image/jpeg"),
        ("scan.png", image_bytes("PNG"), "png", "image/png"),
        ("scan.webp", image_bytes("WEBP"), "webp", "image/webp"),
    ],
)
def test_a_real_scan_is_stored_under_a_random_name_and_sent_as_a_sandboxed_download(
    client, seller_user, own_product, name, data, extension, content_type
):
    response = submit_certificate(client, seller_user, own_product, name, data)
    assert response.status_code == 302
    certificate = ProductCertificate.objects.get(number="GN-2026-0099")

    assert re.fullmatch(rf"certificates/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}", certificate.scan.name)
    download = client.get(reverse("sellers:certificate-scan", args=[certificate.pk]))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == content_type
    assert (
        download["Content-Disposition"] == f'attachment; filename="certificate-{certificate.pk}.{extension}"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"].split(";")[0] == "sandbox"


def test_a_hostile_file_stored_before_the_checks_is_sent_as_an_opaque_download(
    client, seller_user, own_product, staff_user
):
    certificate = factories.CertificateFactory(product=own_product)
    certificate.scan = stored_without_the_validator("certificates/2025/01/evil.html", HTML_WITH_SCRIPT)
    certificate.save()
    client.force_login(staff_user)

    response = client.get(reverse("sellers:certificate-scan", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.pk}.bin"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_served_type_comes_from_the_content_not_the_stored_name(client, consumer, county, staff_user):
    apply(client, consumer, county)
    application = SellerApplication.objects.get()
    application.licence_scan = stored_without_the_validator("seller-applications/2025/01/x.html", PDF_BYTES)
    application.save()
    client.force_login(staff_user)

    response = client.get(reverse("sellers:application-licence", args=[application.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="licence-{application.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_licence_uploaded_through_the_form_gets_a_random_name(client, consumer, county):
    response = apply(
        client, consumer, county, licence_scan=SimpleUploadedFile("../../营业执照.svg.pdf", PDF_BYTES)
    )

    assert response.status_code == 302
    name = SellerApplication.objects.get().licence_scan.name
    assert re.fullmatch(r"seller-applications/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", name)


def test_others_still_get_404_for_a_hostile_stored_scan(
    client, seller_user, seller2_user, other_officer, consumer, own_product
):
    certificate = factories.CertificateFactory(product=own_product)
    certificate.scan = stored_without_the_validator("certificates/2025/01/evil.svg", SVG_WITH_SCRIPT)
    certificate.save()
    url = reverse("sellers:certificate-scan", args=[certificate.pk])

    answers = {}
    for name, user in [
        ("other seller", seller2_user),
        ("other officer", other_officer),
        ("consumer", consumer),
    ]:
        client.force_login(user)
        answers[name] = client.get(url).status_code

    assert answers == {"other seller": 404, "other officer": 404, "consumer": 404}


def test_the_data_migrations_rename_stored_scans_by_content_and_reverse(
    client, consumer, county, own_product
):
    certificates = importlib.import_module("catalogue_ext.migrations.0035_scans_shop_chosen_names")
    licences = importlib.import_module("shop.sellers.migrations.0004_scans_shop_chosen_names")
    old = {
        "pdf named html": ("certificates/2025/01/scan.html", PDF_BYTES),
        "svg": ("certificates/2025/01/logo.svg", SVG_WITH_SCRIPT),
        "png": ("certificates/2025/02/ok.png", image_bytes("PNG")),
    }
    rows = {}
    for label, (name, data) in old.items():
        certificate = factories.CertificateFactory(product=own_product)
        ProductCertificate.objects.filter(pk=certificate.pk).update(
            scan=stored_without_the_validator(name, data)
        )
        rows[label] = certificate.pk
    missing = factories.CertificateFactory(product=own_product)
    ProductCertificate.objects.filter(pk=missing.pk).update(scan="certificates/2024/12/gone.pdf")
    apply(client, consumer, county)
    application = SellerApplication.objects.get()
    SellerApplication.objects.filter(pk=application.pk).update(
        licence_scan=stored_without_the_validator(
            "seller-applications/2025/01/licence.htm", image_bytes("JPEG")
        )
    )
    storage = PrivateStorage()

    certificates.rename_scans(apps, None)
    licences.rename_scans(apps, None)

    renamed = dict(ProductCertificate.objects.values_list("pk", "scan"))
    assert re.fullmatch(r"certificates/2025/01/[0-9a-f]{32}\.pdf", renamed[rows["pdf named html"]])
    assert re.fullmatch(r"certificates/2025/01/[0-9a-f]{32}\.bin", renamed[rows["svg"]])
    assert re.fullmatch(r"certificates/2025/02/[0-9a-f]{32}\.png", renamed[rows["png"]])
    assert renamed[missing.pk] == "certificates/2024/12/gone.pdf"  # nothing on disk to rename
    for label, (name, data) in old.items():
        assert not storage.exists(name)
        with storage.open(renamed[rows[label]], "rb") as handle:
            assert handle.read() == data
    licence = SellerApplication.objects.get().licence_scan.name
    assert re.fullmatch(r"seller-applications/2025/01/[0-9a-f]{32}\.jpg", licence)
    with open(os.path.join(private_root(), "renamed", "catalogue-0035-certificate-scans.json")) as handle:
        assert {entry["old"] for entry in json.load(handle)} == {name for name, _data in old.values()}

    certificates.restore_scan_names(apps, None)
    licences.restore_scan_names(apps, None)

    restored = dict(ProductCertificate.objects.values_list("pk", "scan"))
    for label, (name, data) in old.items():
        assert restored[rows[label]] == name
        with storage.open(name, "rb") as handle:
            assert handle.read() == data
        assert not storage.exists(renamed[rows[label]])
    assert SellerApplication.objects.get().licence_scan.name == "seller-applications/2025/01/licence.htm"
    assert storage.exists("seller-applications/2025/01/licence.htm")
    assert not os.listdir(os.path.join(private_root(), "renamed"))
