"""Large exports are written by jobs (eager here) into private storage: a page offers the job, its
progress page offers the file, only to whoever asked and staff, for two days. Small ones stay immediate."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.core import jobs
from shop.core.models import Job
from shop.sellers import onboarding
from tests import factories
from tests.commit import CommittingClient
from tests.institutions.factories import OrganisationFactory, place_order

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture
def large(monkeypatch):
    """Every export counts as large: one row is beyond the synchronous limit."""
    monkeypatch.setattr(jobs, "SYNCHRONOUS_EXPORT_ROWS", 0)


@pytest.fixture
def seller(db, partner):
    user = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, user)
    return user


@pytest.fixture
def other_seller(db):
    user = factories.UserFactory(username="seller2", email="seller2@example.cn")
    onboarding.link_user(factories.PartnerFactory(name="于都县第二合作社"), user)
    return user


def queue_export(client, url, params=None) -> Job:
    query = "?" + "&".join(f"{key}={value}" for key, value in (params or {}).items()) if params else ""
    offered = client.get(url + query)
    assert offered.status_code == 200
    assert "后台准备" in offered.content.decode() and 'name="queue_export"' in offered.content.decode()
    queued = client.post(url + query, {"queue_export": "1"})
    job = Job.objects.latest("created_at")
    assert queued.status_code == 302 and queued.url == reverse("jobs:progress", kwargs={"pk": job.pk})
    job.refresh_from_db()
    return job


def downloaded(client, job) -> bytes:
    response = client.get(reverse("jobs:file", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_large_overview_export_is_written_by_a_job_for_the_staff_member_who_asked(
    client, staff_user, consumer, large
):
    OrganisationFactory(name="赣州市财政局")
    OrganisationFactory(name="=HYPERLINK(1)")
    client.force_login(staff_user)

    job = queue_export(
        client, reverse("institutions-dashboard:overview"), {"format": "xlsx", "sort": "-name"}
    )

    assert job.kind == "institutions.overview_export"
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.requested_by == staff_user
    # Two organisations and the total row (which counts each purchase once).
    assert (job.done, job.total) == (3, 3)
    assert job.result == {"rows": 3, "format": "xlsx"}
    assert timezone.now() + datetime.timedelta(days=1) < job.expires_at
    assert job.expires_at < timezone.now() + datetime.timedelta(days=2, minutes=1)
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(client, job))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names[:2] == ["赣州市财政局", "=HYPERLINK(1)"]  # the filter's sort; the formula stays text
    assert len(names) == 3  # then the total row
    assert sheet["A3"].data_type == "s"
    page = client.get(reverse("jobs:progress", kwargs={"pk": job.pk})).content.decode()
    assert "单位总览导出" in page and "行数" in page

    client.force_login(consumer)
    assert client.get(reverse("jobs:file", kwargs={"pk": job.pk})).status_code == 404


def test_a_seller_full_catalogue_export_job_is_served_to_that_seller_and_staff_only(
    client, seller, other_seller, staff_user, partner, large
):
    factories.ProductFactory(partner=partner, title="安远脐橙 5斤")
    client.force_login(seller)

    job = queue_export(
        client, reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "csv"})
    )

    assert job.state == Job.State.SUCCEEDED, job.error
    content = downloaded(client, job).decode("utf-8-sig")
    assert "安远脐橙 5斤" in content
    client.force_login(other_seller)
    assert client.get(reverse("jobs:file", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(reverse("jobs:progress", kwargs={"pk": job.pk})).status_code == 404
    client.force_login(staff_user)
    assert downloaded(client, job).decode("utf-8-sig") == content


def test_another_sellers_catalogue_cannot_be_queued(client, seller, other_seller, partner, large):
    client.force_login(other_seller)
    url = reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "xlsx"})

    assert client.get(url).status_code == 404
    assert client.post(url, {"queue_export": "1"}).status_code == 404
    assert not Job.objects.exists()


def test_asking_again_while_the_export_is_queued_returns_the_same_job(seller, partner, large):
    client = Client()  # its requests never commit: the first job stays queued
    client.force_login(seller)
    url = reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "xlsx"})
    factories.ProductFactory(partner=partner)

    first = client.post(url, {"queue_export": "1"})
    second = client.post(url, {"queue_export": "1"})

    assert first.url == second.url
    assert Job.objects.count() == 1


def test_oscar_order_list_export_beyond_the_limit_is_a_job_with_every_filtered_order(
    client, staff_user, consumer, partner, china, large
):
    staff_user.is_superuser = True
    staff_user.save()
    product = factories.ProductFactory(partner=partner, price=Decimal("39.90"))
    orders = [place_order(consumer, [(product, 1)]) for _ in range(3)]
    client.force_login(staff_user)

    job = queue_export(client, reverse("dashboard:order-list"), {"response_format": "csv"})

    assert job.kind == "dashboard.orders_export"
    assert job.state == Job.State.SUCCEEDED, job.error
    rows = list(csv.reader(io.StringIO(downloaded(client, job).decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(order.number for order in orders)
    assert rows[1][0] == orders[-1].number  # newest first, as the list shows them


def test_small_exports_stay_immediate(client, seller, partner):
    factories.ProductFactory(partner=partner)
    client.force_login(seller)

    response = client.get(reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "csv"}))

    assert response["Content-Disposition"].startswith("attachment")
    assert not Job.objects.exists()


def test_export_job_helper_reports_progress_in_steps(consumer, monkeypatch):
    monkeypatch.setattr(jobs, "REPORT_EVERY_ROWS", 2)
    seen = []
    monkeypatch.setattr(jobs, "report", lambda job, done, total=None: seen.append((done, total)))

    @jobs.export_job("tests.numbers_export", label="Numbers")
    def numbers(*, count: int) -> jobs.ExportFile:
        from shop.core import exports

        sheet = exports.Sheet("n", [exports.Column("n", "integer")], ([n] for n in range(count)))
        return jobs.ExportFile([sheet], "numbers", total=count)

    job = Job.objects.create(kind="tests.numbers_export", requested_by=consumer, arguments={})
    result = numbers.job_function(job, fmt="csv", count=5)

    assert result == {"rows": 5, "format": "csv"}
    assert seen == [(0, 5), (2, None), (4, None), (5, 5)]
    assert job.result_file.name.endswith(".csv")
