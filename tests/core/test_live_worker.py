"""A real Celery worker process against the machine's Redis (db 14) and the test's PostgreSQL database:
a job and a mail go through the broker; a worker child killed mid-job puts its message back (acks_late,
reject_on_worker_lost), the half-done work was rolled back, and the redelivered job succeeds."""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.celery import app as celery_app
from shop.core import jobs, mail
from shop.core.files import PrivateStorage
from shop.core.models import Job, OutgoingMail
from shop.sellers import catalogue_io
from shop.sellers.models import StagedImport
from tests.core import job_kinds  # noqa: F401 - registers the job kinds the worker also imports
from tests.factories import CategoryFactory, ProductClassFactory

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
# The worker and this test share a cache (progress reported from inside the worker's transaction).
CACHE_URL = os.environ.get("CELERY_TEST_CACHE_URL", "redis://127.0.0.1:6379/13")
CACHE_PREFIX = "aidmarket-live-worker-test"
ROOT = Path(__file__).resolve().parents[2]


def _redis_or_skip():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@pytest.fixture
def worker(transactional_db, settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the live worker needs PostgreSQL: it reads the rows this test commits, from another process"
        )
    _redis_or_skip().flushdb()
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    log = open(ROOT / "var" / "celery-live-worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "shop",
            "worker",
            "--include",
            "tests.core.job_kinds",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "shop.settings.test",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": REDIS_URL,
            "REDIS_URL": CACHE_URL,
            "PRIVATE_MEDIA_ROOT": PrivateStorage().location,  # this test's, where uploads are staged
            "CACHE_KEY_PREFIX": CACHE_PREFIX,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")}
    conf.update(
        CELERY_TASK_ALWAYS_EAGER=False,
        task_always_eager=False,
        CELERY_BROKER_URL=REDIS_URL,
        broker_url=REDIS_URL,
    )
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": CACHE_PREFIX,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    try:
        yield process
    finally:
        conf.update(
            saved, task_always_eager=saved["CELERY_TASK_ALWAYS_EAGER"], broker_url=saved["CELERY_BROKER_URL"]
        )
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
            process.wait()
        log.close()


def wait_for(condition, *, timeout=90, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    log = (ROOT / "var" / "celery-live-worker.log").read_text()[-3000:]
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{log}")


def finished(job):
    job.refresh_from_db()
    return job.is_finished


@pytest.mark.postgres
def test_a_worker_runs_a_job_and_sends_mail_and_survives_being_killed_mid_job(worker):
    started = time.monotonic()
    done = jobs.start("tests.create_partners", count=20, prefix="甲")  # autocommit: queued at once
    record = mail.send(
        ["buyer@example.cn"],
        template="institutions/email/order_decided",
        context={"approved": True, "number": "100042", "approver": "boss@example.cn"},
    )

    wait_for(lambda: finished(done), what="the first job")
    assert done.state == Job.State.SUCCEEDED, done.error
    assert (done.done, done.total, done.attempts) == (20, 20, 1)
    assert Partner.objects.filter(name__startswith="甲 ").count() == 20
    wait_for(lambda: OutgoingMail.objects.get(pk=record.pk).state == OutgoingMail.State.SENT, what="the mail")

    # A slow job; its worker child is killed halfway through its transaction.
    slow = jobs.start("tests.create_partners", count=40, prefix="乙", delay=0.1)
    wait_for(lambda: Job.objects.filter(pk=slow.pk, state=Job.State.RUNNING).exists(), what="the slow job")
    time.sleep(1.5)  # about 15 of its 40 rows written, not committed
    children = psutil.Process(worker.pid).children()
    assert len(children) == 1
    children[0].send_signal(signal.SIGKILL)
    killed_at = time.monotonic()

    wait_for(lambda: finished(slow), what="the redelivered job")
    assert slow.state == Job.State.SUCCEEDED, slow.error
    assert slow.attempts == 2  # the killed attempt, then the redelivered message
    assert Partner.objects.filter(name__startswith="乙 ").count() == 40  # the killed attempt wrote nothing
    print(
        f"\nlive worker: first job and mail {killed_at - started:.1f} s incl. worker start; "
        f"recovery after the kill {time.monotonic() - killed_at:.1f} s"
    )


# --- a seller's 5,000-row import through the worker ------------------------------------------------------


@pytest.fixture
def importing_seller(seller_user, partner, county):
    ProductClassFactory(name="农产品")
    CategoryFactory(name="水果")
    client = Client()
    client.force_login(seller_user)
    return client


def catalogue_csv(county, *, prefix: str) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(catalogue_io.COLUMNS)
    for n in range(catalogue_io.MAX_ROWS):
        writer.writerow(
            [
                f"{prefix}-{n:05d}",
                f"安远脐橙 {n} 号",
                "",
                "农产品",
                "水果",
                county.code,
                "39.90",
                "200",
                "",
                "1",
            ]
        )
    return SimpleUploadedFile("catalogue.csv", buffer.getvalue().encode(), content_type="text/csv")


def check_and_apply(client, partner, upload) -> Job:
    checked = client.post(reverse("sellers:import"), {"partner": partner.pk, "file": upload})
    assert checked.context["plan"].count("create") == catalogue_io.MAX_ROWS
    applied = client.post(reverse("sellers:import-apply"), {"digest": checked.context["digest"]})
    job = Job.objects.get(kind=catalogue_io.IMPORT_JOB, state__in=["queued", "running"])
    assert applied.url == reverse("jobs:progress", kwargs={"pk": job.pk})
    return job


def progress_of(client, job) -> dict:
    return client.get(reverse("jobs:progress-json", kwargs={"pk": job.pk})).json()


@pytest.mark.postgres
def test_a_worker_applies_a_5000_row_import_with_progress_to_100_percent(
    worker, importing_seller, partner, county
):
    client = importing_seller
    job = check_and_apply(client, partner, catalogue_csv(county, prefix="A"))
    queued_at = time.monotonic()

    seen = []

    def finished_page():
        seen.append(progress_of(client, job))
        return seen[-1]["finished"]

    wait_for(finished_page, timeout=300, what="the import job")
    final = seen[-1]
    assert final["state"] == "succeeded", final["error"]
    assert (final["percent"], final["done"], final["total"]) == (100, 5000, 5000)
    assert any(0 < page["done"] < 5000 for page in seen)  # rows done were visible while it ran
    assert final["summary"] == [["已新建", 5000], ["已更新", 0], ["无变化", 0]]
    assert StockRecord.objects.filter(partner=partner).count() == 5000
    assert not StagedImport.objects.exists()
    print(f"\nlive worker: 5,000-row import {time.monotonic() - queued_at:.1f} s from queueing to done")


@pytest.mark.postgres
def test_a_worker_killed_mid_import_writes_nothing_fails_the_job_and_a_retry_succeeds(
    worker, importing_seller, partner, county, staff_user
):
    client = importing_seller
    job = check_and_apply(client, partner, catalogue_csv(county, prefix="B"))

    wait_for(lambda: 0 < progress_of(client, job)["done"] < 5000, timeout=300, what="rows being written")
    children = psutil.Process(worker.pid).children()
    assert len(children) == 1
    children[0].send_signal(signal.SIGKILL)

    wait_for(lambda: finished(job), what="the job to be marked failed")
    assert job.state == Job.State.FAILED
    assert "未写入任何内容" in job.error
    assert not Product.objects.exists()  # the half-written transaction died with the process
    assert StagedImport.objects.count() == 1  # the checked file is still there to retry

    staff = Client()
    staff.force_login(staff_user)
    listed = staff.get(reverse("jobs-dashboard:list"), {"state": "failed"}).content.decode()
    assert reverse("jobs-dashboard:retry", kwargs={"pk": job.pk}) in listed
    staff.post(reverse("jobs-dashboard:retry", kwargs={"pk": job.pk}))

    wait_for(lambda: finished(job), timeout=300, what="the retried job")
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.attempts == 2
    assert StockRecord.objects.filter(partner=partner).count() == 5000
    assert progress_of(client, job)["percent"] == 100
