"""Job kinds used by the tests of the job machinery (imported by the tests and by the live worker)."""

import time

from django.db import transaction
from oscar.core.loading import get_model

from shop.core import jobs

Partner = get_model("partner", "Partner")


@jobs.job_task("tests.create_partners", label="Create test partners")
def create_partners(job, *, count: int, prefix: str, delay: float = 0.0, fail_at: int | None = None) -> dict:
    """All-or-nothing: creates `count` partners in one transaction, reporting each one."""
    jobs.report(job, done=0, total=count)
    with transaction.atomic():
        for number in range(1, count + 1):
            if number == fail_at:
                raise ValueError(f"row {number} is not valid")
            Partner.objects.create(name=f"{prefix} {number}", code=f"{prefix}-{number}")
            jobs.report(job, done=number)
            time.sleep(delay)
    jobs.attach_file(job, f"{prefix}.csv", f"created,{count}\n".encode())
    return {"created": count}


@jobs.job_task("tests.flaky", label="Flaky", max_retries=2)
def flaky(job, *, failures: int) -> dict:
    """Fails with a transient error `failures` times (counted in the job's attempts), then succeeds."""
    if job.attempts <= failures:
        raise ConnectionError("the service blinked")
    return {"attempts": job.attempts}
