"""A real Celery worker process against the machine's Redis (db 14) and the test's PostgreSQL database:
a job and a mail go through the broker; a worker child killed mid-job puts its message back (acks_late,
reject_on_worker_lost), the half-done work was rolled back, and the redelivered job succeeds."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connection
from oscar.core.loading import get_model

from shop.celery import app as celery_app
from shop.core import jobs, mail
from shop.core.models import Job, OutgoingMail
from tests.core import job_kinds  # noqa: F401 - registers the job kinds the worker also imports

Partner = get_model("partner", "Partner")
REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
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
def worker(transactional_db):
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
