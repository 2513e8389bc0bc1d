import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from oscar.core.loading import get_model

from shop.core.dates import today
from shop.institutions import quotas
from shop.institutions.models import Organisation
from shop.order import statuses
from shop.security import backups
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, TargetFactory, place_order

Order = get_model("order", "Order")
ProductCertificate = get_model("catalogue", "ProductCertificate")


def _digest(stored) -> str:
    if not stored:
        return ""
    if not stored.storage.exists(stored.name):
        return "missing"
    with stored.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def snapshot(year: int) -> dict:
    """Everything a restore must reproduce, read back from the database and media."""
    orders = [
        (
            order.number,
            order.status,
            order.total_incl_tax,
            order.total_excl_tax,
            [
                (
                    line.title,
                    line.quantity,
                    line.line_price_incl_tax,
                    line.was_certified,
                    line.was_poverty_county,
                    line.certificate_number,
                    line.origin_county_id,
                )
                for line in order.lines.order_by("pk")
            ],
        )
        for order in Order.objects.order_by("number").prefetch_related("lines")
    ]
    certificates = [
        (
            c.number,
            c.status,
            c.issue_date,
            c.expiry_date,
            c.status_reason,
            c.scan.name,
            _digest(c.scan),
        )
        for c in ProductCertificate.objects.order_by("number")
    ]
    counted = quotas.counted_by_organisation(year=year)
    progress = {
        organisation.name: (p.target, p.counted, p.paired_counted, p.rollup_counted, p.share_percent)
        for organisation in Organisation.objects.order_by("name")
        for p in [quotas.progress(organisation, year=year)]
    }
    return {"orders": orders, "certificates": certificates, "counted": counted, "progress": progress}


@pytest.fixture
def shop_with_history(transactional_db, settings, tmp_path):
    county = factories.CountyFactory()
    partner = factories.PartnerFactory(county=county)
    certified = factories.ProductFactory(partner=partner, certified=True, price=Decimal("88.00"))
    plain = factories.ProductFactory(partner=partner, price=Decimal("12.50"))
    certificate = certified.certificates.get()
    certificate.scan.save("scan.png", ContentFile(b"%PDF-1.4 certificate scan\n"), save=True)
    factories.CertificateFactory(product=plain, status=ProductCertificate.Status.PENDING)
    organisation = OrganisationFactory(name="赣州市财政局")
    TargetFactory(organisation=organisation, year=today().year, fixed_amount=Decimal("1000.00"))
    buyer = factories.UserFactory(username="backup-buyer")
    MembershipFactory(organisation=organisation, user=buyer)
    place_order(buyer, [(certified, 3), (plain, 2)], organisation=organisation)
    place_order(buyer, [(certified, 1)], organisation=organisation, status=statuses.PENDING_PAYMENT)
    place_order(factories.UserFactory(username="backup-consumer"), [(plain, 4)])
    return {"organisation": organisation, "buyer": buyer, "certified": certified, "certificate": certificate}


@pytest.mark.slow
def test_restore_reproduces_orders_certificates_and_quota_figures_exactly(shop_with_history, tmp_path):
    year = today().year
    before = snapshot(year)
    assert before["counted"][shop_with_history["organisation"].pk] == Decimal(
        "264.00"
    )  # 3 × 88, certified only

    folder = backups.backup(tmp_path / "backups")

    # Everything changes after the backup: an order is lost, a certificate revoked, its scan deleted,
    # a new order counts toward the quota.
    Order.objects.filter(status=statuses.PAID).first().delete()
    certificate = shop_with_history["certificate"]
    ProductCertificate.objects.filter(pk=certificate.pk).update(status="revoked", status_reason="test")
    certificate.scan.storage.delete(certificate.scan.name)
    place_order(
        shop_with_history["buyer"],
        [(shop_with_history["certified"], 5)],
        organisation=shop_with_history["organisation"],
    )
    assert snapshot(year) != before

    backups.restore(folder)

    assert snapshot(year) == before


@pytest.mark.slow
def test_make_restore_commands_use_the_latest_backup(shop_with_history, tmp_path, settings):
    settings.BASE_DIR = tmp_path  # var/backups/ under a scratch folder
    call_command("backup_site")
    Order.objects.all().delete()

    call_command("restore_site", "--noinput")

    assert Order.objects.count() == 3


def test_restore_refuses_a_backup_of_another_engine(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"engine": "oracle", "row_counts": {}}')

    with pytest.raises(backups.BackupError):
        backups.restore(folder)


def test_latest_backup_is_the_newest_folder(tmp_path):
    for name in ("20260101T000000000000", "20261129T080000000000", "20260601T000000000000"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")

    assert backups.latest(tmp_path).name == "20261129T080000000000"
