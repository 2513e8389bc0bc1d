import datetime

import pytest
from django.utils import timezone

from catalogue_ext import certification
from catalogue_ext.models import Product, ProductCertificate
from shop.core import dates
from tests.factories import CertificateFactory, ProductFactory

pytestmark = pytest.mark.django_db


def certified_ids(on=None):
    return set(Product.objects.certified(on=on).values_list("id", flat=True))


def test_approved_certificate_within_validity_certifies_its_product(partner):
    product = ProductFactory(partner=partner, certified=True)

    assert product.id in certified_ids()


@pytest.mark.parametrize(
    "status",
    [
        ProductCertificate.Status.PENDING,
        ProductCertificate.Status.REJECTED,
        ProductCertificate.Status.REVOKED,
        ProductCertificate.Status.EXPIRED,
    ],
)
def test_certificate_that_is_not_approved_does_not_certify(partner, status):
    product = ProductFactory(partner=partner)
    CertificateFactory(product=product, status=status)

    assert product.id not in certified_ids()


def test_expired_approved_certificate_does_not_certify(partner):
    product = ProductFactory(partner=partner)
    today = dates.today()
    CertificateFactory(
        product=product,
        issue_date=today - datetime.timedelta(days=400),
        expiry_date=today - datetime.timedelta(days=1),
    )

    assert product.id not in certified_ids()


def test_certificate_not_yet_issued_does_not_certify(partner):
    product = ProductFactory(partner=partner)
    today = dates.today()
    CertificateFactory(product=product, issue_date=today + datetime.timedelta(days=1))

    assert product.id not in certified_ids()


def test_expiry_day_itself_is_still_certified_and_the_next_day_is_not(partner):
    product = ProductFactory(partner=partner)
    expiry = datetime.date(2026, 12, 31)
    CertificateFactory(product=product, issue_date=datetime.date(2026, 1, 1), expiry_date=expiry)

    assert product.id in certified_ids(on=expiry)
    assert product.id not in certified_ids(on=expiry + datetime.timedelta(days=1))


def test_today_is_the_shanghai_date_not_the_utc_date(partner, monkeypatch):
    product = ProductFactory(partner=partner)
    # 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Shanghai.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC))
    CertificateFactory(
        product=product, issue_date=datetime.date(2026, 1, 1), expiry_date=datetime.date(2026, 12, 31)
    )

    assert dates.today() == datetime.date(2027, 1, 1)
    assert product.id not in certified_ids()
    assert not certification.is_product_certified(product)


def test_one_valid_certificate_among_expired_ones_is_enough(partner):
    product = ProductFactory(partner=partner, certified=True)
    today = dates.today()
    CertificateFactory(
        product=product,
        issue_date=today - datetime.timedelta(days=800),
        expiry_date=today - datetime.timedelta(days=400),
    )

    assert product.id in certified_ids()
    assert Product.objects.certified().filter(id=product.id).count() == 1


def test_certified_flag_annotation_agrees_with_the_filter(partner):
    yes = ProductFactory(partner=partner, certified=True)
    no = ProductFactory(partner=partner)

    flags = dict(Product.objects.with_certified_flag().values_list("id", "is_certified_now"))

    assert flags[yes.id] is True
    assert flags[no.id] is False
