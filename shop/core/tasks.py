"""Celery tasks of the ground floor: delivering mail and tidying job files."""

from celery import shared_task

from shop.core import jobs, mail

MAIL_RETRIES = 5
MAIL_BACKOFF_SECONDS = 60  # 1, 2, 4, 8, 16 minutes between attempts


@shared_task(bind=True, acks_late=True, max_retries=MAIL_RETRIES)
def deliver_mail(self, mail_id: int) -> None:
    last_attempt = self.request.retries >= self.max_retries
    try:
        mail.deliver(mail_id, last_attempt=last_attempt)
    except Exception as exc:  # noqa: BLE001 - recorded and logged by mail.deliver
        if last_attempt:
            return
        raise self.retry(exc=exc, countdown=MAIL_BACKOFF_SECONDS * 2**self.request.retries) from exc


@shared_task(acks_late=True)
def requeue_unsent_mail() -> int:
    return mail.requeue_unsent()


@shared_task(acks_late=True)
def delete_expired_job_files() -> int:
    return jobs.delete_expired_files()
