"""The daily runs: each beat entry names a registered task, at a fixed Beijing time, running the code the
management commands run."""

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail as outbox
from django.core.management import call_command

from catalogue_ext.models import ProductCertificate
from shop.celery import app as celery_app
from shop.core.models import Job
from tests.commit import committed
from tests.factories import CertificateFactory
from tests.sellers.conftest import days
from tests.sellers.test_stock import set_stock

DAILY = {
    "catalogue_ext.tasks.process_certificate_expiries",
    "shop.sellers.tasks.end_lapsed_help_sell_flags",
    "shop.sellers.tasks.send_low_stock_notices",
    "search.tasks.check_search_index",
}


def test_every_daily_job_is_scheduled_at_a_fixed_time_in_shanghai():
    celery_app.loader.import_default_modules()
    entries = settings.CELERY_BEAT_SCHEDULE.values()

    assert DAILY <= {entry["task"] for entry in entries}
    assert celery_app.conf.timezone == "Asia/Shanghai"
    for entry in entries:
        assert entry["task"] in celery_app.tasks, entry["task"]
        assert isinstance(entry["schedule"], crontab)
        if entry["task"] in DAILY:
            assert len(entry["schedule"].hour) == 1 and len(entry["schedule"].minute) == 1


@pytest.mark.django_db
def test_the_beat_tasks_do_what_the_command_does(seller_user, own_product):
    lapsed = CertificateFactory(product=own_product, issue_date=days(-400), expiry_date=days(-1))
    expiring = CertificateFactory(product=own_product, issue_date=days(-300), expiry_date=days(20))
    set_stock(own_product, in_stock=5, threshold=5)
    celery_app.loader.import_default_modules()

    with committed():
        for name in sorted(DAILY):
            celery_app.tasks[name].delay()

    lapsed.refresh_from_db()
    expiring.refresh_from_db()
    assert lapsed.status == ProductCertificate.Status.EXPIRED
    assert expiring.expiry_notice_sent_at is not None
    assert len(outbox.outbox) == 2  # the expiry notice and the low-stock notice
    assert Job.objects.get(kind="search.check_index").state == Job.State.SUCCEEDED

    with committed():  # the command finds nothing left to do
        call_command("process_expiries", "--no-progress")
    assert len(outbox.outbox) == 2
