"""The audit trail: who changed a ledger record, when, each field before → after, shown to staff only,
at a cost that does not grow with the number of changes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue_ext import certification
from catalogue_ext.models import ProductCertificate
from shop.core import dates, history
from shop.institutions import refunds, snapshots
from shop.institutions.models import AnnualTarget, YearSnapshot
from tests import factories
from tests.institutions.factories import TargetFactory, place_order

pytestmark = pytest.mark.django_db


def who(user) -> str:
    return user.get_full_name() or user.email


def english_words_in_trail(page: str, *data: str) -> list[str]:
    """Latin words in the audit panels of a Chinese page, besides e-mail addresses and the given data."""
    panels = re.findall(r'<section class="audit-trail.*?</section>', page, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>|\S+@\S+", " ", panel) for panel in panels)
    for value in data:
        text = text.replace(value, " ")
    return re.findall(r"[A-Za-z]{3,}", text)


@pytest.fixture
def pending_certificate(partner):
    return factories.CertificateFactory(
        product=factories.ProductFactory(partner=partner), status=ProductCertificate.Status.PENDING
    )


def review_url(certificate):
    return reverse("sellers:staff-certificate", kwargs={"pk": certificate.pk})


def test_a_certificate_decision_appears_with_the_reviewer_and_before_after(
    client, staff_user, pending_certificate
):
    client.force_login(staff_user)

    client.post(review_url(pending_certificate), {"decision": "approve", "comment": ""})
    page = client.get(review_url(pending_certificate)).content.decode()

    assert "变更记录" in page
    assert who(staff_user) in page
    pending, approved = ProductCertificate.Status.PENDING.label, ProductCertificate.Status.APPROVED.label
    assert f'<del class="audit-before">{pending}</del> → <ins class="audit-after">{approved}</ins>' in page
    assert english_words_in_trail(page, staff_user.username) == []


def test_a_target_change_by_staff_shows_on_the_organisation_page(client, staff_user, organisation):
    client.force_login(staff_user)
    url = reverse("institutions-dashboard:target-save", kwargs={"pk": organisation.pk})
    client.post(url, {"year": 2026, "declared_canteen_spending": "800000", "share": "0.30"})
    target = AnnualTarget.objects.get()

    client.post(
        url, {"target": target.pk, "year": 2026, "declared_canteen_spending": "900000", "share": "0.40"}
    )
    page = client.get(
        reverse("institutions-dashboard:organisation", kwargs={"pk": organisation.pk})
    ).content.decode()

    assert "年度目标的变更记录" in page
    assert '<del class="audit-before">0.3000</del> → <ins class="audit-after">0.4000</ins>' in page
    assert '<del class="audit-before">800000.00</del> → <ins class="audit-after">900000.00</ins>' in page
    assert page.count(who(staff_user)) >= 2  # the creation and the change
    assert english_words_in_trail(page, staff_user.username) == []


def test_members_do_not_see_the_trail_on_their_declaration_page(client, org_admin, staff_user, organisation):
    TargetFactory(organisation=organisation, year=dates.current_year())
    url = reverse("institutions:declaration", kwargs={"pk": organisation.pk})

    client.force_login(org_admin)
    member_page = client.get(url).content.decode()
    client.force_login(staff_user)
    staff_page = client.get(url).content.decode()

    assert "audit-trail" not in member_page and "变更记录" not in member_page
    assert "audit-trail" in staff_page


def test_a_bank_refund_shows_in_the_order_pages_trail(client, staff_user, buyer, organisation, partner):
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    order = place_order(
        buyer,
        [(factories.ProductFactory(partner=partner, price=Decimal("20.00")), 1)],
        organisation=organisation,
    )
    client.force_login(staff_user)
    client.post(
        reverse("dashboard:order-bank-refund", kwargs={"number": order.number}),
        {
            "line": order.lines.get().pk,
            "amount": "7.50",
            "refunded_on": dates.today().isoformat(),
            "reference": "R-9",
        },
    )

    page = client.get(reverse("dashboard:order-detail", kwargs={"number": order.number})).content.decode()

    assert "退款记录的变更" in page
    assert english_words_in_trail(page, staff_user.username) == []
    assert '<ins class="audit-after">7.50</ins>' in page and '<ins class="audit-after">R-9</ins>' in page
    assert who(staff_user) in page


def test_a_freeze_is_recorded_with_who_froze_it(client, staff_user, organisation, monkeypatch):
    TargetFactory(organisation=organisation, year=2026, fixed_amount=Decimal("100.00"))
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC))
    client.force_login(staff_user)

    client.post(reverse("institutions-dashboard:freeze"), {"year": 2026})
    page = client.get(reverse("institutions-dashboard:freeze") + "?year=2026").content.decode()

    snapshot = YearSnapshot.objects.get()
    assert snapshot.history.get().history_user == staff_user
    assert "1 个单位" in page
    assert who(staff_user) in page and organisation.name in page
    assert english_words_in_trail(page, staff_user.username) == []


def test_staff_only_pages_with_a_trail_refuse_others(client, buyer, pending_certificate):
    client.force_login(buyer)

    assert client.get(review_url(pending_certificate)).status_code in (302, 403)
    assert client.get(reverse("institutions-dashboard:freeze")).status_code == 302


def test_the_certificate_expiry_run_records_the_lapse():
    certificate = factories.CertificateFactory(
        issue_date=dates.today() - datetime.timedelta(days=400),
        expiry_date=dates.today() - datetime.timedelta(days=1),
    )

    assert certification.expire_lapsed() == 1

    latest = certificate.history.first()
    assert (latest.status, latest.history_type, latest.history_user) == (
        ProductCertificate.Status.EXPIRED,
        "~",
        None,
    )
    entry = history.trail(certificate.history.all()).entries[0]
    assert [(c.before, c.after) for c in entry.changes] == [
        (ProductCertificate.Status.APPROVED.label, ProductCertificate.Status.EXPIRED.label)
    ]


def queries(client, url) -> int:
    """Queries of a repeat visit (the first fills the per-user caches of permissions and menus)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_review_page_costs_the_same_with_3_or_40_changes(client, staff_user, pending_certificate):
    client.force_login(staff_user)
    url = review_url(pending_certificate)
    for n in range(2):
        pending_certificate.issuing_authority = f"安远县乡村振兴局{n}"
        pending_certificate.save()
    few = queries(client, url)

    for n in range(37):
        pending_certificate.issuing_authority = f"安远县乡村振兴局第{n}次"
        pending_certificate.save()
    many = queries(client, url)
    page = client.get(url).content.decode()

    assert many == few
    assert page.count('class="audit-entry') == 20
    assert "仅显示最近 20 条变更" in page


def test_the_organisation_page_costs_the_same_with_more_target_changes(client, staff_user, organisation):
    client.force_login(staff_user)
    url = reverse("institutions-dashboard:organisation", kwargs={"pk": organisation.pk})
    target = TargetFactory(organisation=organisation, year=2025)
    target.fixed_amount = Decimal("999.00")
    target.save()
    few = queries(client, url)

    for year in range(2015, 2025):
        TargetFactory(organisation=organisation, year=year)
    for n in range(30):
        target.fixed_amount = Decimal(1000 + n)
        target.save()
    many = queries(client, url)

    assert many == few


def test_the_order_page_trail_costs_the_same_with_more_refunds(
    client, staff_user, buyer, organisation, partner
):
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    order = place_order(
        buyer,
        [(factories.ProductFactory(partner=partner, price=Decimal("100.00")), 1)],
        organisation=organisation,
    )
    line = order.lines.get()
    client.force_login(staff_user)
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})
    refunds.record(line, amount=Decimal("1.00"), reference="A")
    few = queries(client, url)

    for n in range(25):
        refunds.record(line, amount=Decimal("1.00"), reference=f"B{n}")
    many = queries(client, url)

    assert many == few


def test_the_freeze_page_costs_the_same_with_more_frozen_units(client, staff_user, monkeypatch):
    from tests.institutions.factories import OrganisationFactory

    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC))
    client.force_login(staff_user)
    url = reverse("institutions-dashboard:freeze") + "?year=2026"
    OrganisationFactory()
    snapshots.freeze_year(2026, by=staff_user)
    few = queries(client, url)

    for _ in range(30):
        OrganisationFactory()
    snapshots.freeze_year(2026, by=staff_user)
    many = queries(client, url)

    assert many == few
