"""A broker that cannot be reached, for the tests of what people see when the queue is down."""

import socket

import pytest

from shop.celery import app as celery_app


@pytest.fixture
def closed_broker(settings):
    """Point Celery at a port nothing listens on, with queueing switched from eager to the broker."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused for as long as we hold it
    port = sock.getsockname()[1]
    conf = celery_app.conf  # read from Django's settings with the CELERY_ prefix: set both spellings
    saved = {key: conf[key] for key in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")}
    broker = f"redis://127.0.0.1:{port}/14"
    conf.update(
        CELERY_TASK_ALWAYS_EAGER=False, task_always_eager=False, CELERY_BROKER_URL=broker, broker_url=broker
    )
    _new_connection_pool()
    yield
    sock.close()
    conf.update(
        saved,
        task_always_eager=saved["CELERY_TASK_ALWAYS_EAGER"],
        broker_url=saved["CELERY_BROKER_URL"],
    )
    _new_connection_pool()


def _new_connection_pool():
    celery_app._pool = None  # the next publish takes pools for the current broker_url
    celery_app.amqp._producer_pool = None
