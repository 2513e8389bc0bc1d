"""Applying a checked catalogue file is a background job (eager here): the seller lands on its progress
page and sees the outcome; one import per seller at a time; a redelivered job imports nothing twice; rows
that went bad after the dry run write nothing and come back as a file; an unreachable queue loses nothing."""

import io

import openpyxl
import pytest
from billiard.exceptions import WorkerLostError
from celery.signals import task_failure
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.core import jobs
from shop.core.models import Job
from shop.sellers import catalogue_io, tasks, views
from shop.sellers.models import StagedImport
from tests.factories import CategoryFactory, ProductClassFactory
from tests.sellers.test_catalogue_io import csv_file, dry_run, good_rows

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")


@pytest.fixture
def fruit(db):
    return CategoryFactory(name="水果")


@pytest.fixture
def product_class(db):
    return ProductClassFactory()


def apply(client, response):
    return client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})


def test_apply_queues_a_job_and_the_seller_sees_its_progress_and_outcome(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    checked = dry_run(client, partner, csv_file(good_rows(county)))

    applied = apply(client, checked)

    job = Job.objects.get(kind=catalogue_io.IMPORT_JOB)
    assert applied.url == reverse("jobs:progress", kwargs={"pk": job.pk})
    assert job.requested_by == seller_user
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total) == (2, 2)
    assert job.result == {"created": 2, "updated": 0, "unchanged": 0, "errors": 0}
    assert StockRecord.objects.filter(partner=partner).count() == 2
    assert not StagedImport.objects.exists()
    page = client.get(applied.url).content.decode()
    assert "商品目录导入" in page and "已新建" in page and "100%" in page
    progress = client.get(reverse("jobs:progress-json", kwargs={"pk": job.pk})).json()
    assert progress["summary"] == [["已新建", 2], ["已更新", 0], ["无变化", 0]]


def test_another_seller_cannot_watch_the_import(
    client, seller_user, seller2_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    apply(client, dry_run(client, partner, csv_file(good_rows(county))))
    job = Job.objects.get()

    client.force_login(seller2_user)

    assert client.get(reverse("jobs:progress", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(reverse("jobs:progress-json", kwargs={"pk": job.pk})).status_code == 404


def test_a_second_import_for_the_same_seller_is_refused_while_one_is_queued(
    seller_user, partner, county, fruit, product_class
):
    # A plain test client: the first job stays queued (its transaction never commits).
    client = Client()
    client.force_login(seller_user)
    apply(client, dry_run(client, partner, csv_file(good_rows(county))))
    assert Job.objects.get().state == Job.State.QUEUED

    second = dry_run(client, partner, csv_file(good_rows(county)[:1]))
    refused = client.post(reverse("sellers:import-apply"), {"digest": second.context["digest"]}, follow=True)

    assert "已在排队或进行中" in refused.content.decode()
    assert Job.objects.count() == 1
    assert StagedImport.objects.count() == 2  # the second checked file waits, offered again on the page
    assert "import-waiting" in refused.content.decode()


def test_once_the_first_import_has_finished_the_next_one_may_run(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    apply(client, dry_run(client, partner, csv_file(good_rows(county))))
    apply(client, dry_run(client, partner, csv_file([[*good_rows(county)[0][:7], "150", "20", "1"]])))

    first, second = Job.objects.order_by("pk")
    assert first.state == second.state == Job.State.SUCCEEDED
    assert second.result["updated"] == 1
    assert StockRecord.objects.get(partner_sku="AY-001").num_in_stock == 150


def test_a_redelivered_import_job_does_not_import_twice(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    apply(client, dry_run(client, partner, csv_file(good_rows(county))))
    job = Job.objects.get()

    tasks.import_catalogue.apply(args=[job.pk])  # the broker hands the same message over again
    # Even if the machinery believed the job was interrupted, the staged file is gone with the import.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    tasks.import_catalogue.apply(args=[job.pk])

    assert Product.objects.count() == 2
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "已经导入" in job.error


def test_rows_that_went_bad_after_the_dry_run_write_nothing_and_are_offered_as_a_file(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    checked = dry_run(client, partner, csv_file(good_rows(county)))
    fruit.name = "鲜果"
    fruit.save()  # the category both rows name is gone

    applied = client.get(apply(client, checked).url).content.decode()

    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert job.error == "文件有错误，未导入任何内容。"
    assert job.result == {"errors": 2}
    assert "有错误的行" in applied and "下载结果" in applied
    assert not Product.objects.exists()
    assert StagedImport.objects.exists()  # nothing consumed either
    download = client.get(reverse("jobs:file", kwargs={"pk": job.pk}))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行", "列", "问题")
    assert [row[:2] for row in rows[1:]] == [(2, "分类"), (3, "分类")]
    assert "鲜果" not in rows[1][2] and "水果" in rows[1][2]


def test_broker_outage_at_apply_gives_a_message_and_keeps_the_checked_file(
    transactional_db, seller_user, partner, county, fruit, product_class, request
):
    client = Client()
    client.force_login(seller_user)
    checked = dry_run(client, partner, csv_file(good_rows(county)))
    request.getfixturevalue("closed_broker")

    refused = client.post(reverse("sellers:import-apply"), {"digest": checked.context["digest"]}, follow=True)

    page = refused.content.decode()
    assert refused.status_code == 200
    assert refused.redirect_chain[-1][0] == reverse("sellers:import")
    assert "后台队列暂时无法连接" in page
    assert "import-waiting" in page  # the checked file is offered again
    assert StagedImport.objects.count() == 1
    assert client.session[views.IMPORT_SESSION_KEY] == StagedImport.objects.get().token
    assert not Product.objects.exists()


def test_the_waiting_file_can_be_applied_from_the_import_page_later(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    checked = dry_run(client, partner, csv_file(good_rows(county)))

    page = client.get(reverse("sellers:import"))

    assert page.context["waiting"].digest == checked.context["digest"]
    client.post(reverse("sellers:import-apply"), {"digest": page.context["waiting"].digest})
    assert StockRecord.objects.filter(partner=partner).count() == 2


def test_queue_apply_refuses_a_second_unfinished_import_in_the_domain_function(
    seller_user, partner, county, fruit, product_class
):
    first = catalogue_io.stage(b"x", "a.csv", partner=partner, user=seller_user)
    second = catalogue_io.stage(b"y", "b.csv", partner=partner, user=seller_user)
    catalogue_io.queue_apply(first.token, user=seller_user, digest=first.digest)

    with pytest.raises(catalogue_io.ImportRefused, match="已在排队或进行中"):
        catalogue_io.queue_apply(second.token, user=seller_user, digest=second.digest)
    with pytest.raises(jobs.AlreadyRunning):
        jobs.start(catalogue_io.IMPORT_JOB, exclusive_key=f"{catalogue_io.IMPORT_JOB}:{partner.pk}")


def test_an_import_whose_worker_died_is_failed_not_redelivered_and_a_retry_imports_it(
    client, seller_user, staff_user, partner, county, fruit, product_class
):
    plain = Client()  # the job stays queued, as if a worker had taken it
    plain.force_login(seller_user)
    apply(plain, dry_run(plain, partner, csv_file(good_rows(county))))
    job = Job.objects.get()
    assert tasks.import_catalogue.reject_on_worker_lost is False

    # What Celery's worker reports when the process running the task is killed.
    task_failure.send(sender=tasks.import_catalogue, task_id="x", args=[job.pk], exception=WorkerLostError())

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "未写入任何内容" in job.error
    client.force_login(staff_user)
    client.post(reverse("jobs-dashboard:retry", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert StockRecord.objects.filter(partner=partner).count() == 2


def test_the_daily_clean_up_keeps_an_old_upload_a_queued_import_will_apply(
    seller_user, partner, county, fruit, product_class
):
    waiting_for_worker = catalogue_io.stage(b"x", "a.csv", partner=partner, user=seller_user)
    forgotten = catalogue_io.stage(b"y", "b.csv", partner=partner, user=seller_user)
    catalogue_io.queue_apply(waiting_for_worker.token, user=seller_user, digest=waiting_for_worker.digest)
    StagedImport.objects.update(created_at=timezone.now() - catalogue_io.STAGED_LIFETIME * 2)

    assert catalogue_io.discard_expired() == 1

    assert list(StagedImport.objects.values_list("pk", flat=True)) == [waiting_for_worker.pk]
    assert forgotten.pk != waiting_for_worker.pk
