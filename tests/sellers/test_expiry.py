import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from catalogue_ext.models import Product, ProductCertificate
from tests.commit import committed
from tests.factories import CertificateFactory
from tests.sellers.conftest import days

pytestmark = pytest.mark.django_db


def process_expiries():
    with committed():  # the run's transactions commit, and their mail goes out
        call_command("process_expiries", "--no-progress")


def move_clock(monkeypatch, by_days):
    moved = timezone.now() + datetime.timedelta(days=by_days)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_command_marks_lapsed_certificates_expired_and_is_idempotent(seller_user, own_product):
    lapsed = CertificateFactory(product=own_product, issue_date=days(-400), expiry_date=days(-1))
    current = CertificateFactory(product=own_product, issue_date=days(-10), expiry_date=days(200))

    process_expiries()
    process_expiries()

    lapsed.refresh_from_db()
    current.refresh_from_db()
    assert lapsed.status == ProductCertificate.Status.EXPIRED
    assert current.status == ProductCertificate.Status.APPROVED


def test_seller_is_told_once_thirty_days_before_expiry(seller_user, own_product):
    soon = CertificateFactory(product=own_product, issue_date=days(-300), expiry_date=days(30))
    CertificateFactory(product=own_product, issue_date=days(-300), expiry_date=days(31))

    process_expiries()
    process_expiries()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [seller_user.email]
    assert soon.number in mail.outbox[0].subject + mail.outbox[0].body
    soon.refresh_from_db()
    assert soon.expiry_notice_sent_at is not None


def test_badge_disappears_the_day_after_expiry_even_from_the_page_cache(settings, own_product, monkeypatch):
    settings.AIDMARKET_PAGE_CACHE_SECONDS = 600
    certificate = CertificateFactory(product=own_product, issue_date=days(-300), expiry_date=days(0))
    url = own_product.get_absolute_url()

    first = Client().get(url)  # a fresh client each time: a new anonymous visitor without cookies
    cached = Client().get(url)
    move_clock(monkeypatch, 1)
    next_day = Client().get(url)
    process_expiries()

    assert "certified-badge" in first.content.decode()
    assert "certified-badge" in cached.content.decode()
    assert cached["X-Page-Cache"] == "hit"  # the page cache really served it
    assert "certified-badge" not in next_day.content.decode()
    assert not Product.objects.certified().filter(pk=own_product.pk).exists()
    certificate.refresh_from_db()
    assert certificate.status == ProductCertificate.Status.EXPIRED
