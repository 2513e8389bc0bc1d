"""Certificate scans are private like licence scans: stored outside MEDIA_ROOT, served by a checked view."""

import os

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.core.files import private_root
from tests import factories
from tests.sellers.conftest import png_bytes, png_upload

ProductCertificate = get_model("catalogue", "ProductCertificate")


def submit_certificate(client, seller_user, product):
    client.force_login(seller_user)
    response = client.post(
        reverse("sellers:certificate-submit"),
        {
            "product": product.pk,
            "number": "GN-2026-0042",
            "issuing_authority": "安远县乡村振兴局",
            "issue_date": "2026-01-01",
            "expiry_date": "2099-12-31",
            "scan": png_upload("certificate.png"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return ProductCertificate.objects.get(number="GN-2026-0042")


def test_submitted_certificate_scan_is_stored_outside_public_media(
    client, seller_user, own_product, settings
):
    certificate = submit_certificate(client, seller_user, own_product)

    assert certificate.scan.path.startswith(os.path.abspath(private_root()))
    assert not certificate.scan.path.startswith(os.path.abspath(settings.MEDIA_ROOT) + os.sep)
    with pytest.raises(ValueError):
        certificate.scan.storage.url(certificate.scan.name)  # no public URL to leak


def test_certificate_scan_is_served_only_to_its_sellers_staff_and_the_county_officer(
    client, seller_user, seller2_user, own_product, officer, other_officer, staff_user, consumer
):
    certificate = submit_certificate(client, seller_user, own_product)
    url = reverse("sellers:certificate-scan", args=[certificate.pk])

    answers = {}
    for name, user in [
        ("own seller", seller_user),
        ("staff", staff_user),
        ("county officer", officer),
        ("other seller", seller2_user),
        ("other county's officer", other_officer),
        ("consumer", consumer),
    ]:
        client.force_login(user)
        response = client.get(url)
        answers[name] = response.status_code
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == png_bytes()
    client.logout()
    answers["anonymous"] = client.get(url).status_code

    assert answers == {
        "own seller": 200,
        "staff": 200,
        "county officer": 200,
        "other seller": 404,
        "other county's officer": 404,
        "consumer": 404,
        "anonymous": 302,
    }


def test_pages_link_to_the_checked_view_not_to_media(client, seller_user, own_product, staff_user, officer):
    certificate = submit_certificate(client, seller_user, own_product)
    link = reverse("sellers:certificate-scan", args=[certificate.pk])

    pages = [
        (seller_user, reverse("sellers:certificates")),
        (officer, reverse("sellers:county-certificates")),
        (staff_user, reverse("sellers:staff-certificates")),
        (staff_user, reverse("sellers:staff-certificate", args=[certificate.pk])),
    ]
    for user, page in pages:
        client.force_login(user)
        html = client.get(page).content.decode()
        assert link in html, page
        assert certificate.scan.name not in html, page


def test_a_scan_missing_from_disk_is_a_404_not_a_server_error(client, seller_user, own_product):
    certificate = submit_certificate(client, seller_user, own_product)
    certificate.scan.storage.delete(certificate.scan.name)

    response = client.get(reverse("sellers:certificate-scan", args=[certificate.pk]))

    assert response.status_code == 404


def test_django_admin_shows_the_scan_as_a_link_to_the_checked_view(
    seller_user, own_product, client, admin_user
):
    certificate = submit_certificate(client, seller_user, own_product)
    client.force_login(admin_user)

    response = client.get(reverse("admin:catalogue_productcertificate_change", args=[certificate.pk]))

    assert response.status_code == 200
    assert reverse("sellers:certificate-scan", args=[certificate.pk]) in response.content.decode()
    assert 'name="scan"' not in response.content.decode()


def test_migration_moves_existing_scans_out_of_public_media(settings, tmp_path, own_product):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("catalogue_ext.migrations.0034_certificate_scans_private")
    certificate = factories.CertificateFactory(product=own_product)
    ProductCertificate.objects.filter(pk=certificate.pk).update(scan="certificates/2025/01/old.png")
    public = os.path.join(settings.MEDIA_ROOT, "certificates/2025/01/old.png")
    os.makedirs(os.path.dirname(public))
    with open(public, "wb") as handle:
        handle.write(b"scan")

    migration.to_private(apps, None)

    assert not os.path.exists(public)
    with open(os.path.join(private_root(), "certificates/2025/01/old.png"), "rb") as handle:
        assert handle.read() == b"scan"

    migration.to_public(apps, None)

    assert os.path.exists(public)
