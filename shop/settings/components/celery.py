"""Background work on Celery (shop/celery.py): the broker, delivery guarantees and the daily schedule.

The broker is CELERY_BROKER_URL, or the Redis of REDIS_URL; with neither, tasks run eagerly in the
process that queues them, so a laptop needs nothing more. Jobs are tracked in the shop's own table
(shop.core.models.Job), so no result backend is configured.
"""

from celery.schedules import crontab

from ..env import VAR_DIR, env
from .caching import REDIS_URL

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False  # a failing task is logged and recorded, never a 500 for the caller
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a message is removed only when its task has finished...
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...and a worker killed mid-task puts it back on the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long jobs: a worker holds one message at a time
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"  # the shop's TIME_ZONE: beat's crontab times are Beijing time
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)  # seconds
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queueing from a web request gives up quickly when the broker is down, so the user is told at once.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Redis re-delivers a message not acknowledged within this many seconds (a worker that vanished with it):
# longer than the longest job.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
# Daily work at fixed Beijing times; each task calls the same function as its management command.
CELERY_BEAT_SCHEDULE = {
    "expire-certificates-and-send-notices": {
        "task": "catalogue_ext.tasks.process_certificate_expiries",
        "schedule": crontab(hour=1, minute=0),
    },
    "end-lapsed-help-sell-flags": {
        "task": "shop.sellers.tasks.end_lapsed_help_sell_flags",
        "schedule": crontab(hour=1, minute=15),
    },
    "send-low-stock-notices": {
        "task": "shop.sellers.tasks.send_low_stock_notices",
        "schedule": crontab(hour=8, minute=0),
    },
    "expire-lapsed-demands": {
        "task": "shop.docking.tasks.expire_lapsed_demands",
        "schedule": crontab(hour=1, minute=30),
    },
    "check-search-index": {"task": "search.tasks.check_search_index", "schedule": crontab(hour=3, minute=30)},
    "check-quota-ledger": {
        "task": "shop.institutions.tasks.check_quota_ledger",
        "schedule": crontab(hour=3, minute=45),
    },
    "delete-expired-job-files": {
        "task": "shop.core.tasks.delete_expired_job_files",
        "schedule": crontab(hour=4, minute=0),
    },
    "delete-expired-catalogue-uploads": {
        "task": "shop.sellers.tasks.delete_expired_catalogue_uploads",
        "schedule": crontab(hour=4, minute=15),
    },
    # Not daily: Oscar's product-view counters, recorded in the cache, written in one batch a minute.
    "flush-product-views": {
        "task": "shop.caching.tasks.flush_product_views",
        "schedule": crontab(minute="*"),
    },
    # Not daily: mail whose queueing failed (broker down at commit) is handed to the workers again.
    "requeue-unsent-mail": {
        "task": "shop.core.tasks.requeue_unsent_mail",
        "schedule": crontab(minute="*/10"),
    },
}
