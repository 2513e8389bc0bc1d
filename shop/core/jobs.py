"""Background jobs: long work run by a Celery worker, watched by the person who asked and by staff.

A job task is declared with `@jobs.job_task("kind", label=...)` over a function `fn(job, **arguments)`
that returns a JSON-able result and reports progress with `jobs.report(job, done=..., total=...)`.
`jobs.start(kind, requested_by=user, **arguments)` records a `Job` and queues it when the transaction
commits. The machinery makes a job safe to deliver twice: a job that already succeeded or failed is not
run again, and a job found "running" was interrupted (a worker killed mid-task returns its message to the
queue) and starts over. Work that must be all-or-nothing writes in one transaction of its own, and
marks the job succeeded in that same transaction (`jobs.succeed_within`) so that a worker dying after the
commit cannot run it twice.

`exclusive_key` makes a job exclusive: two queued-or-running jobs with the same key cannot exist (a
database constraint), the second `start` raises `AlreadyRunning`. `export_job` turns a function that
describes sheets into a job that writes the file into private storage for the person who asked.
A job that is refused by a domain rule (`shop.core.exceptions.DomainError`) fails with that message and
keeps whatever result and file it attached (a list of row errors, say).
"""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.signals import task_failure
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

from shop.core import exports
from shop.core.exceptions import DomainError
from shop.core.models import Job

logger = logging.getLogger("aidmarket.jobs")

# Failures worth another attempt: the database or a service blinked. Anything else is the job's own
# error (bad data, a bug) and fails the job at once with its message.
TRANSIENT_ERRORS = (DatabaseError, ConnectionError, TimeoutError)
RETRY_BACKOFF_SECONDS = 30
PROGRESS_SECONDS = 6 * 3600


class QueueUnavailable(Exception):
    """The broker cannot be reached: nothing was queued."""

    message = _(
        "The background queue cannot be reached right now, so the work was not started. Nothing was "
        "lost: please try again in a few minutes."
    )

    def __str__(self):
        return str(self.message)


class AlreadyRunning(DomainError):
    """A job with the same exclusive key is queued or running."""

    default_message = _("The same work is already queued or running; wait for it to finish.")
    default_code = "already_running"


WORKER_LOST = _(
    "The worker running this job stopped before it finished (it was stopped or ran out of memory); "
    "nothing was written. Retry the job once the cause is fixed."
)


class NotRetryable(Exception):
    message = _("Only a failed job can be retried.")

    def __str__(self):
        return str(self.message)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    task: object
    staff_can_start: bool = False
    summary: Callable[[dict], list] | None = None


KINDS: dict[str, Kind] = {}


def job_task(
    kind: str,
    *,
    label,
    max_retries: int = 3,
    staff_can_start: bool = False,
    summary: Callable[[dict], list] | None = None,
    redeliver_if_worker_lost: bool = True,
) -> Callable:
    """Declare `fn(job, **arguments) -> dict` as the job kind `kind`, run by a Celery task.
    `staff_can_start`: offered on the operators' page (kinds that take no arguments).
    `summary(result) -> [(label, value), …]`: what the progress page shows of a finished job's result.
    `redeliver_if_worker_lost=False`: when the worker process running it dies (killed, out of memory),
    the job is marked failed for a person to retry instead of being handed to the next worker, so work
    heavy enough to kill a worker cannot kill them one after another."""

    def decorator(fn):
        @shared_task(
            name=f"jobs.{kind}",
            bind=True,
            acks_late=True,
            reject_on_worker_lost=redeliver_if_worker_lost,
            max_retries=max_retries,
        )
        def task(self, job_id: int):
            return _run(self, fn, job_id)

        task.job_function = fn
        KINDS[kind] = Kind(kind, label, task, staff_can_start, summary)
        return task

    return decorator


def startable_by_staff() -> list[Kind]:
    _load_tasks()
    return [kind for kind in KINDS.values() if kind.staff_can_start]


def kind_label(kind: str):
    _load_tasks()
    known = KINDS.get(kind)
    return known.label if known else kind


def start(kind: str, *, requested_by=None, exclusive_key: str = "", **arguments) -> Job:
    """Record a job and queue it once the current transaction commits (eagerly: run it then).

    If the broker cannot be reached then, the job is marked failed with a message saying so (its
    progress page shows it, `check_queued` raises it) and can be retried; the caller's request does not
    fail. With an `exclusive_key`, raises AlreadyRunning while another job with that key is unfinished."""
    _load_tasks()
    if kind not in KINDS:
        raise LookupError(f"No job kind {kind!r}")
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                requested_by=requested_by,
                arguments=arguments,
                exclusive_key=exclusive_key,
                language=translation.get_language() or "",
            )
    except IntegrityError:
        raise AlreadyRunning from None
    transaction.on_commit(lambda: _enqueue_after_commit(job))
    return job


def check_queued(job: Job) -> None:
    """After the commit that queued it: raise QueueUnavailable if the broker could not take the job."""
    job.refresh_from_db(fields=["state", "error"])
    if job.state == Job.State.FAILED and job.error == str(QueueUnavailable.message):
        raise QueueUnavailable


def succeed_within(job: Job, result: dict) -> None:
    """Mark the job succeeded inside the work's own transaction: committed together with the work, so a
    redelivered message finds the job finished instead of doing the work again."""
    job.result = result
    if job.total is not None:
        job.done = job.total
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.SUCCEEDED, result=result, done=job.done, total=job.total, finished_at=timezone.now()
    )


def _enqueue_after_commit(job: Job) -> None:
    try:
        enqueue(job)
    except QueueUnavailable:
        pass  # recorded on the job and logged by enqueue()


def retry(job: Job) -> Job:
    """Queue a failed job again, from the start."""
    try:
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, state=Job.State.FAILED).update(
                state=Job.State.QUEUED, done=0, error="", started_at=None, finished_at=None
            )
    except IntegrityError:
        raise AlreadyRunning from None
    if not updated:
        raise NotRetryable
    job.refresh_from_db()
    enqueue(job)
    return job


def enqueue(job: Job) -> None:
    """Hand the job to the broker; when it cannot be reached the job is marked failed (and retryable)."""
    _load_tasks()
    try:
        KINDS[job.kind].task.apply_async(args=[job.pk])
    except (BrokerError, OSError) as exc:
        logger.error("could not queue job %s (%s): %s", job.pk, job.kind, exc)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED, error=str(QueueUnavailable.message), finished_at=timezone.now()
        )
        raise QueueUnavailable from exc


def report(job: Job, *, done: int, total: int | None = None) -> None:
    """Progress so far. Visible at once even from inside the job's own transaction (through the cache)."""
    job.done = done
    if total is not None:
        job.total = total
    cache.set(_progress_key(job.pk), (job.done, job.total), PROGRESS_SECONDS)
    if not transaction.get_connection().in_atomic_block:
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total)


def progress(job: Job) -> dict:
    """What the progress page shows (the result's summary in the active language)."""
    done, total = job.done, job.total
    if job.state == Job.State.RUNNING:
        done, total = cache.get(_progress_key(job.pk), (done, total))
    percent = (
        (100 if job.state == Job.State.SUCCEEDED else None) if not total else min(100, done * 100 // total)
    )
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "done": done,
        "total": total,
        "percent": percent,
        "finished": job.is_finished,
        "error": job.error,
        "result": job.result,
        "has_file": job.has_file,
        "summary": [[str(label), value] for label, value in _summary(job)],
    }


def _summary(job: Job) -> list:
    _load_tasks()
    known = KINDS.get(job.kind)
    if not job.is_finished or not job.result or known is None or known.summary is None:
        return []
    return known.summary(job.result)


def attach_file(job: Job, name: str, content: bytes, *, days: int = 7) -> None:
    """Keep a result file for the person who asked (and staff), for `days` days."""
    job.result_file.save(name, ContentFile(content), save=False)
    job.expire_in(days)


def delete_expired_files(*, now=None) -> int:
    """Remove result files past their expiry; returns how many."""
    now = now or timezone.now()
    removed = 0
    for job in Job.objects.filter(expires_at__lt=now).exclude(result_file=""):
        job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result_file="")
        removed += 1
    return removed


# --- exports as jobs ---------------------------------------------------------------------------------------

REPORT_EVERY_ROWS = 500
EXPORT_DAYS = 2
# Up to this many rows an export is written in the request; beyond it, by a job.
SYNCHRONOUS_EXPORT_ROWS = 2000


@dataclass
class ExportFile:
    """What an export function returns: the sheets (rows may be generators), the file's name stem and,
    for the progress bar, how many rows are coming (None when unknown)."""

    sheets: list
    filename_stem: str
    total: int | None = None


def export_job(kind: str, *, label, days: int = EXPORT_DAYS) -> Callable:
    """Turn `fn(**arguments) -> ExportFile` into the job kind `kind`: `start_export(kind, fmt=…, …)` then
    writes the file with the shop's export writer into private storage, for the person who asked (and
    staff), for `days` days, reporting rows written as it goes."""

    def decorator(fn):
        def run(job, *, fmt: str, **arguments):
            if fmt not in exports.FORMATS:
                raise ValueError(f"unknown export format {fmt!r}")
            described = fn(**arguments)
            done = 0
            report(job, done=0, total=described.total)

            def counted(rows):
                nonlocal done
                for row in rows:
                    yield row
                    done += 1
                    if done % REPORT_EVERY_ROWS == 0:
                        report(job, done=done)

            sheets = [
                exports.Sheet(sheet.title, sheet.columns, counted(sheet.rows)) for sheet in described.sheets
            ]
            content = exports.render(sheets, fmt)
            report(job, done=done, total=done)
            attach_file(job, exports.safe_filename(described.filename_stem, fmt), content, days=days)
            return {"rows": done, "format": fmt}

        run.__name__ = fn.__name__
        task = job_task(kind, label=label, max_retries=2, summary=_export_summary)(run)
        task.describe = fn
        return task

    return decorator


def start_export(kind: str, *, requested_by, fmt: str, **arguments) -> Job:
    """Queue an export declared with `export_job`; its progress page offers the file when it is ready.
    Asking again for the same file while it is being written returns the job already under way."""
    key = hashlib.sha256(
        json.dumps([requested_by.pk if requested_by else None, fmt, arguments], sort_keys=True).encode()
    ).hexdigest()[:32]
    exclusive_key = f"{kind}:{key}"
    try:
        return start(kind, requested_by=requested_by, exclusive_key=exclusive_key, fmt=fmt, **arguments)
    except AlreadyRunning:
        running = Job.objects.filter(
            exclusive_key=exclusive_key, state__in=[Job.State.QUEUED, Job.State.RUNNING]
        ).first()
        if running is None:  # it finished in between
            return start(kind, requested_by=requested_by, exclusive_key=exclusive_key, fmt=fmt, **arguments)
        return running


def _export_summary(result: dict) -> list:
    return [(_("Rows"), result.get("rows", 0)), (_("Format"), str(result.get("format", "")).upper())]


@task_failure.connect
def _mark_failed_when_worker_lost(sender=None, args=None, exception=None, **kwargs):
    """Celery's worker reports a job task whose process died (and that is not redelivered): fail the job,
    so its page and the operators' list say so and it can be retried."""
    if not isinstance(exception, WorkerLostError) or not str(getattr(sender, "name", "")).startswith("jobs."):
        return
    job = Job.objects.filter(pk=(args or [None])[0]).first()
    if job is None or job.is_finished:
        return
    with translation.override(job.language or None):
        error = str(WORKER_LOST)
    logger.error("job %s (%s): its worker process was lost", job.pk, job.kind)
    Job.objects.filter(pk=job.pk, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.FAILED, error=error, finished_at=timezone.now()
    )
    cache.delete(_progress_key(job.pk))


def _progress_key(job_id: int) -> str:
    return f"aidmarket:job-progress:{job_id}"


def _load_tasks() -> None:
    from shop.celery import app

    app.loader.import_default_modules()


def _run(task, fn, job_id: int):
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("job %s is gone; nothing to do", job_id)
            return None
        if job.is_finished:
            logger.info("job %s already %s; delivered again, nothing to do", job_id, job.state)
            return None
        if job.state == Job.State.RUNNING:
            logger.warning("job %s was interrupted (attempt %s); starting it over", job_id, job.attempts)
        job.state = Job.State.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.done = 0
        job.error = ""
        job.save(update_fields=["state", "attempts", "started_at", "done", "error"])
    cache.delete(_progress_key(job.pk))
    with translation.override(job.language or None):
        return _run_function(task, fn, job)


def _run_function(task, fn, job: Job):
    try:
        outcome = fn(job, **job.arguments) or {}
    except DomainError as exc:
        return _fail(job, exc, message=str(exc.message), keep_result=True)
    except TRANSIENT_ERRORS as exc:
        if task.request.retries < task.max_retries:
            logger.warning("job %s (%s) hit %r; retrying", job.pk, job.kind, exc)
            Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, error=_describe(exc))
            raise task.retry(exc=exc, countdown=RETRY_BACKOFF_SECONDS * 2**task.request.retries) from exc
        return _fail(job, exc)
    except Exception as exc:  # noqa: BLE001 - recorded on the job for the operators; the message is acked
        return _fail(job, exc)
    job.state = Job.State.SUCCEEDED
    job.result = outcome
    if job.total is not None:
        job.done = job.total
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "result", "done", "total", "finished_at", "result_file", "expires_at"])
    cache.delete(_progress_key(job.pk))
    return None


def _fail(job: Job, exc: Exception, *, message: str = "", keep_result: bool = False) -> None:
    """Record the failure; a refusal (`keep_result`) keeps the result and file the job attached."""
    if keep_result:
        logger.warning("job %s (%s) refused: %s", job.pk, job.kind, message)
    else:
        logger.error("job %s (%s) failed: %s", job.pk, job.kind, _describe(exc), exc_info=exc)
    job.state = Job.State.FAILED
    job.error = (message or _describe(exc))[:2000]
    job.finished_at = timezone.now()
    fields = ["state", "error", "finished_at", "done", "total"]
    if keep_result:
        fields += ["result", "result_file", "expires_at"]
    job.save(update_fields=fields)
    cache.delete(_progress_key(job.pk))


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
