"""Background jobs: a seller's 5,000-row import through a real Celery worker, and the largest exports.

The import is queued exactly as the seller's "apply" queues it (a staged upload, `catalogue_io.queue_apply`)
and run by a `celery worker` process on Redis (BENCH_JOBS_BROKER_URL, default db 14) against the bench
database; the figure is from queueing to the job's success, as the seller waits on the progress page.
The exports are the job functions themselves (staff quota overview of every organisation, the largest
seller's whole catalogue), run in-process with the file written to private storage.
Run: ``python manage.py bench_jobs`` (also the last step of ``run_benchmarks``).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from oscar.core.loading import get_model

from devtools.benchmarks.catalogue_import import _county, _csv
from shop.celery import app as celery_app
from shop.core import dates
from shop.core.models import Job
from shop.sellers import catalogue_io, onboarding
from shop.sellers import tasks as seller_tasks

ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")

BROKER_URL = os.environ.get("BENCH_JOBS_BROKER_URL", "redis://127.0.0.1:6379/14")
ROOT = Path(settings.BASE_DIR)


def _worker() -> subprocess.Popen:
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    log = open(ROOT / "var" / "bench-worker.log", "w")  # noqa: SIM115 - the process owns it until it ends
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "shop", "worker", "--pool", "prefork",
         "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "INFO"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings.bench", "BENCH_DATABASE_URL": url,
             "BENCH_CELERY_BROKER_URL": BROKER_URL},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def _wait_until_ready(worker: subprocess.Popen, *, timeout: float = 120) -> None:
    """Measure the work, not the worker's start: wait for its "ready" line."""
    log = ROOT / "var" / "bench-worker.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited; see {log}")
        if " ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the worker did not start in {timeout:.0f} s; see {log}")


def _configure_broker(*, eager: bool, url: str) -> dict:
    """Switch this process's queueing (Celery reads CELERY_-prefixed settings: set both spellings)."""
    conf = celery_app.conf
    saved = {"eager": conf.task_always_eager, "url": conf.broker_url}
    conf.update(
        task_always_eager=eager, CELERY_TASK_ALWAYS_EAGER=eager, broker_url=url, CELERY_BROKER_URL=url
    )
    celery_app._pool = None  # the next publish takes pools for the new broker
    celery_app.amqp._producer_pool = None
    return saved


def worker_import(*, rows: int = catalogue_io.MAX_ROWS, timeout: float = 600) -> dict:
    """Seconds from queueing a `rows`-row import (new products) to its success, through a real worker."""
    county = _county()
    product_class, _ = ProductClass.objects.get_or_create(name="农产品")
    category = Category.objects.filter(depth=1).first() or Category.add_root(name="水果")
    tag = uuid.uuid4().hex[:8]
    partner = Partner.objects.create(name=f"bench-jobs-{tag}", county=county)
    user = get_user_model().objects.create_user(username=f"bench-jobs-{tag}", email=f"{tag}@bench.invalid")
    onboarding.link_user(partner, user)
    data = _csv(
        [
            [f"J-{n:05d}", f"安远脐橙 {n} 号", "", product_class.name, category.name, county.code,
             "39.90", 100, "", 1]
            for n in range(rows)
        ]
    )  # fmt: skip
    worker = _worker()
    saved = _configure_broker(eager=False, url=BROKER_URL)
    try:
        _wait_until_ready(worker)
        staged = catalogue_io.stage(data, "catalogue.csv", partner=partner, user=user)
        started = time.perf_counter()
        job = catalogue_io.queue_apply(staged.token, user=user, digest=staged.digest)
        deadline = started + timeout
        while time.perf_counter() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        if job.state != Job.State.SUCCEEDED:
            raise RuntimeError(f"the import job ended {job.state}: {job.error or 'timed out'}")
        return {"rows": rows, "seconds": round(seconds, 2), "result": job.result}
    finally:
        _configure_broker(**saved)
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        Product.objects.filter(stockrecords__partner=partner).delete()
        partner.delete()
        user.delete()


def _timed_export(task, **arguments) -> dict:
    job = Job.objects.create(kind=task.name.removeprefix("jobs."), arguments=arguments)
    try:
        started = time.perf_counter()
        result = task.job_function(job, **arguments)
        seconds = time.perf_counter() - started
        size = job.result_file.size
    finally:
        job.result_file.delete(save=False)
        job.delete()
    return {"rows": result["rows"], "seconds": round(seconds, 2), "bytes": size}


def largest_exports(*, fmt: str = "xlsx") -> list[dict]:
    """The staff quota overview (every organisation this year) and the largest seller's catalogue."""
    from shop.institutions import tasks as institution_tasks

    measured = []
    overview = _timed_export(institution_tasks.export_overview, fmt=fmt, year=dates.current_year())
    measured.append({"export": "staff quota overview", **overview})
    largest = Partner.objects.annotate(rows=Count("stockrecords")).order_by("-rows").first()
    if largest is not None and largest.rows:
        catalogue = _timed_export(seller_tasks.export_catalogue, fmt=fmt, partner=largest.pk)
        measured.append({"export": "seller catalogue (largest seller)", **catalogue})
    return measured


def run(*, rows: int = catalogue_io.MAX_ROWS, log=print) -> dict:
    results = {"import": worker_import(rows=rows), "exports": largest_exports()}
    log(f"jobs: {rows:,}-row import through a worker {results['import']['seconds']:.2f} s")
    for export in results["exports"]:
        log(f"jobs: {export['export']} export, {export['rows']:,} rows XLSX {export['seconds']:.2f} s")
    return results


def describe() -> str:
    load = os.getloadavg()
    return (
        f"{connection.vendor}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs"
    )
