"""The shop's one way to send e-mail: rendered from templates, recorded, and sent by a worker after commit.

`mail.send(recipients, template="sellers/email/low_stock", context={...})` renders
`<template>_subject.txt` and `<template>_body.txt` in the shop's language and records an `OutgoingMail`
in the current transaction, so a change that rolls back sends nothing. After the commit a Celery task
delivers it, retrying with back-off while the mail server fails; every failure is logged with the
recipients and the reason, and a mail that never went out stays visible as failed. Each mail has a key
(`key=` for mails that must go out once per event, e.g. one expiry notice per certificate): queueing the
same key again, or the task being delivered twice, sends nothing more.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError

from shop.core.models import OutgoingMail

logger = logging.getLogger("aidmarket.mail")


def send(recipients: Iterable[str], *, template: str, context: dict, key: str = "") -> OutgoingMail | None:
    """Render and record a mail to these addresses; it is sent once the current transaction commits."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = _render(f"{template}_subject.txt", context)
        body = _render(f"{template}_body.txt", context)
    return send_rendered(addresses, subject=subject, body=body, template=template, key=key)


def send_rendered(
    recipients: Iterable[str],
    *,
    subject: str,
    body: str,
    html: str = "",
    template: str,
    key: str = "",
    from_email: str = "",
) -> OutgoingMail | None:
    """`send` for a message rendered elsewhere (Oscar's communication event types)."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return None
    mail, created = OutgoingMail.objects.get_or_create(
        key=key or f"{template}:{uuid.uuid4().hex}",
        defaults={
            "template": template,
            "recipients": addresses,
            "subject": " ".join(subject.split()),
            "body": body,
            "html": html,
            "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
        },
    )
    if created:
        transaction.on_commit(lambda: queue(mail.pk))
    return mail


def queue(mail_id: int) -> None:
    """Hand a recorded mail to the workers. If the broker is down it stays pending for the scheduler."""
    from shop.core.tasks import deliver_mail

    try:
        deliver_mail.delay(mail_id)
    except (BrokerError, OSError) as exc:
        logger.error("could not queue mail %s (%s); it stays pending and is queued again later", mail_id, exc)


def deliver(mail_id: int, *, last_attempt: bool) -> None:
    """Send one recorded mail unless it was sent already; raises the mail server's error after recording it."""
    error = None
    with transaction.atomic():
        # The row lock makes a second delivery of the same task wait, then find the mail sent.
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.state == OutgoingMail.State.SENT:
            return
        message = EmailMultiAlternatives(mail.subject, mail.body, mail.from_email, mail.recipients)
        if mail.html:
            message.attach_alternative(mail.html, "text/html")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - recorded, logged and re-raised below for the retry
            error = exc
        mail.attempts += 1
        if error is None:
            mail.state = OutgoingMail.State.SENT
            mail.sent_at = timezone.now()
            mail.last_error = ""
        else:
            mail.state = OutgoingMail.State.FAILED if last_attempt else OutgoingMail.State.PENDING
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        mail.save(update_fields=["state", "sent_at", "last_error", "attempts"])
    if error is not None:
        logger.error(
            "could not send %s to %s (attempt %d%s): %s",
            mail.template,
            ", ".join(mail.recipients),
            mail.attempts,
            ", giving up" if last_attempt else ", will retry",
            mail.last_error,
        )
        raise error
    logger.info("sent %s to %d recipient(s)", mail.template, len(mail.recipients))


def requeue_unsent(*, older_than_minutes: int = 10) -> int:
    """Queue again the mails never attempted after a while (their first queueing found no broker)."""
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    ids = list(
        OutgoingMail.objects.filter(
            state=OutgoingMail.State.PENDING, attempts=0, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for mail_id in ids:
        queue(mail_id)
    return len(ids)


def _render(name: str, context: dict) -> str:
    # Plain text: no HTML escaping (a seller called "A & B" stays so).
    return get_template(name).template.render(Context(context, autoescape=False))
