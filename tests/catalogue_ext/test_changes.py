"""Reacting to writes: our own write paths re-index and invalidate explicitly (they work with every signal
receiver disconnected, and the receivers stand aside for them); writes by code we do not own (Oscar's
dashboard) still reach the index and the page cache through the receivers."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from oscar.apps.order.signals import order_placed, order_status_changed
from oscar.core.loading import get_model
from wagtail.signals import page_published, page_unpublished

from catalogue_ext import certification, changes
from search import indexing
from search.models import ProductDocument
from shop import caching
from shop.sellers import catalogue_io, onboarding
from tests import factories
from tests.commit import committed
from tests.institutions.factories import place_order
from tests.sellers.test_images import image_post, png_bytes

pytestmark = pytest.mark.django_db

ProductCertificate = get_model("catalogue", "ProductCertificate")
StockRecord = get_model("partner", "StockRecord")

SIGNALS = (post_save, post_delete, order_placed, order_status_changed, page_published, page_unpublished)


@pytest.fixture
def without_receivers():
    """Every search and page-cache receiver disconnected, as if none existed; reconnected afterwards."""
    saved = {signal: list(signal.receivers) for signal in SIGNALS}
    for signal in SIGNALS:
        signal.receivers = [
            entry
            for entry in signal.receivers
            if not str(entry[0][0]).startswith(("search.", "aidmarket-cache-"))
        ]
        signal.sender_receivers_cache.clear()
    yield
    for signal, entries in saved.items():
        signal.receivers = entries
        signal.sender_receivers_cache.clear()


@pytest.fixture
def scheduled(monkeypatch):
    """Every call to search.indexing.schedule, with the ids it was given (and it still indexes)."""
    calls = []
    real = indexing.schedule

    def spy(product_ids):
        ids = set(product_ids)
        calls.append(ids - {None})
        real(ids)

    monkeypatch.setattr(indexing, "schedule", spy)
    return calls


def test_the_receivers_are_really_gone_in_the_fixture(without_receivers, partner, scheduled):
    product = factories.ProductFactory(partner=partner)
    version = caching.catalogue_version()

    product.title = "没有接收器"
    product.save()  # as Oscar's dashboard would, but nobody listens now

    assert scheduled == []
    assert caching.catalogue_version() == version


def test_certificate_approval_reindexes_and_invalidates_without_receivers(
    without_receivers, partner, staff_user
):
    product = factories.ProductFactory(partner=partner)
    certificate = factories.CertificateFactory(product=product, status=ProductCertificate.Status.PENDING)
    indexing.index_products([product.pk])
    assert not ProductDocument.objects.get(product=product).certified
    version = caching.catalogue_version()

    certification.approve(certificate, reviewer=staff_user)

    assert ProductDocument.objects.get(product=product).certified
    assert caching.catalogue_version() > version


def test_certificate_review_is_handled_once_by_our_code_not_again_by_the_receivers(
    partner, staff_user, scheduled
):
    product = factories.ProductFactory(partner=partner)
    certificate = factories.CertificateFactory(product=product, status=ProductCertificate.Status.PENDING)
    scheduled.clear()

    certification.reject(certificate, reviewer=staff_user, reason="证书模糊")

    assert scheduled == [{product.pk}]


def test_a_catalogue_import_reindexes_without_receivers(without_receivers, partner, county):
    seller = factories.UserFactory(username="importer", email="importer@example.cn")
    onboarding.link_user(partner, seller)
    factories.ProductClassFactory(name="农产品")
    rows = [
        catalogue_io.SourceRow(
            2,
            {"sku": "AY-1", "title": "安远脐橙", "product_class": "农产品", "origin_county": county.code,
             "price": "39.90", "num_in_stock": "10"},
        )
    ]  # fmt: skip
    version = caching.catalogue_version()

    catalogue_io.apply(partner, rows, user=seller)

    record = StockRecord.objects.get(partner_sku="AY-1")
    assert ProductDocument.objects.get(product_id=record.product_id).title == "安远脐橙"
    assert caching.catalogue_version() > version


def test_order_placement_reindexes_and_invalidates_without_receivers(
    without_receivers, consumer, partner, china
):
    product = factories.ProductFactory(partner=partner, price=Decimal("39.90"), num_in_stock=1)
    indexing.index_products([product.pk])
    assert ProductDocument.objects.get(product=product).in_stock
    version = caching.catalogue_version()

    with committed():
        place_order(consumer, [(product, 1)])

    assert not ProductDocument.objects.get(product=product).in_stock  # the last one was sold
    assert caching.catalogue_version() > version  # sold out: listings change too


def test_order_placement_is_handled_by_our_checkout_code_not_the_receivers(
    consumer, partner, china, scheduled, monkeypatch
):
    product = factories.ProductFactory(partner=partner, price=Decimal("39.90"), num_in_stock=5)
    moved = []
    real = changes.order_stock_moved
    monkeypatch.setattr(changes, "order_stock_moved", lambda order: (moved.append(order.pk), real(order)))
    scheduled.clear()

    order = place_order(consumer, [(product, 1)])

    assert moved == [order.pk]  # once: our OrderCreator; the order_placed receiver stood aside
    assert scheduled == [{product.pk}]  # the Order and Line rows' receivers stood aside too


def test_an_oscar_dashboard_product_edit_still_reindexes_through_the_receiver(
    client, seller_user, own_product
):
    indexing.index_products([own_product.pk])
    version = caching.catalogue_version()
    client.force_login(seller_user)

    response = client.post(
        reverse("dashboard:catalogue-product", kwargs={"pk": own_product.pk}),
        image_post(
            own_product, SimpleUploadedFile("orange.png", png_bytes((64, 64)), content_type="image/png")
        ),
    )

    assert response.status_code == 302
    assert ProductDocument.objects.get(product=own_product).title == "改过的标题"
    assert caching.catalogue_version() > version


def test_receivers_stand_aside_only_inside_our_code(partner, scheduled):
    product = factories.ProductFactory(partner=partner)
    scheduled.clear()

    with changes.ours():
        product.save()
    assert scheduled == []
    product.save()
    assert scheduled == [{product.pk}]
    assert not changes.by_our_code()
