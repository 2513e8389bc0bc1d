"""The one mail helper: recorded in the transaction, sent after commit by a retried task, logged, never twice."""

import logging
import smtplib

import pytest
from django.core import mail as outbox
from django.db import transaction

from shop.core import mail, tasks
from shop.core.models import OutgoingMail
from tests.commit import committed

pytestmark = pytest.mark.django_db

TEMPLATE = "institutions/email/order_decided"
CONTEXT = {"approved": False, "number": "100042", "approver": "boss@example.cn", "reason": "A & B 超预算"}


class FailingBackend:
    """An SMTP server that refuses the first `failures` messages, then accepts (class-level counters)."""

    failures = 0
    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FailingBackend.calls += 1
        if FailingBackend.calls <= FailingBackend.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        outbox.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def failing_smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.calls = 0
    return FailingBackend


def test_mail_is_rendered_in_chinese_and_sent_only_after_commit():
    with committed():
        mail.send(["buyer@example.cn", "", "buyer@example.cn"], template=TEMPLATE, context=CONTEXT)
        assert outbox.outbox == []  # not before the commit

    assert len(outbox.outbox) == 1
    message = outbox.outbox[0]
    assert message.to == ["buyer@example.cn"]
    assert message.subject == "订单 100042 已被驳回"
    assert "A & B 超预算" in message.body  # plain text: not HTML-escaped
    assert OutgoingMail.objects.get().state == OutgoingMail.State.SENT


def test_nothing_is_sent_when_the_transaction_rolls_back():
    with committed():
        try:
            with transaction.atomic():
                mail.send(["buyer@example.cn"], template=TEMPLATE, context=CONTEXT)
                raise RuntimeError("the order could not be decided")
        except RuntimeError:
            pass

    assert outbox.outbox == []
    assert not OutgoingMail.objects.exists()


def test_a_failing_mail_server_is_logged_with_recipient_and_reason_and_retried(failing_smtp, caplog):
    failing_smtp.failures = 2
    caplog.set_level(logging.ERROR, logger="aidmarket.mail")

    with committed():
        mail.send(["buyer@example.cn"], template=TEMPLATE, context=CONTEXT)

    record = OutgoingMail.objects.get()
    assert record.state == OutgoingMail.State.SENT and record.attempts == 3
    assert len(outbox.outbox) == 1
    failures = [r.getMessage() for r in caplog.records if r.name == "aidmarket.mail"]
    assert len(failures) == 2
    assert all("buyer@example.cn" in f and "Connection unexpectedly closed" in f for f in failures)


def test_a_mail_that_never_goes_out_stays_recorded_as_failed(failing_smtp, caplog):
    failing_smtp.failures = 100
    caplog.set_level(logging.ERROR, logger="aidmarket.mail")

    with committed():
        mail.send(["buyer@example.cn"], template=TEMPLATE, context=CONTEXT)

    record = OutgoingMail.objects.get()
    assert record.state == OutgoingMail.State.FAILED
    assert record.attempts == tasks.MAIL_RETRIES + 1
    assert "SMTPServerDisconnected" in record.last_error
    assert "giving up" in caplog.records[-1].getMessage()


def test_a_redelivered_task_does_not_send_twice():
    with committed():
        record = mail.send(["buyer@example.cn"], template=TEMPLATE, context=CONTEXT)

    tasks.deliver_mail.delay(record.pk)  # the broker delivers the same message again

    assert len(outbox.outbox) == 1
    assert OutgoingMail.objects.get().attempts == 1


def test_the_same_key_is_sent_once():
    with committed():
        mail.send(["buyer@example.cn"], template=TEMPLATE, context=CONTEXT, key="order-decided:100042")
        mail.send(["buyer@example.cn"], template=TEMPLATE, context=CONTEXT, key="order-decided:100042")

    assert len(outbox.outbox) == 1


def test_mail_left_pending_by_a_broker_outage_is_queued_again():
    record = mail.send(["buyer@example.cn"], template=TEMPLATE, context=CONTEXT)  # the callback never ran
    OutgoingMail.objects.filter(pk=record.pk).update(created_at=record.created_at.replace(year=2020))

    assert tasks.requeue_unsent_mail.delay().get() == 1

    assert len(outbox.outbox) == 1
    assert tasks.requeue_unsent_mail.delay().get() == 0
