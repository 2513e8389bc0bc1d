"""The Celery application: `celery -A shop worker -B`. Its settings are the CELERY_* ones in Django's settings.

Without a broker configured the tasks run eagerly, in the process that queues them (development, tests).
The worker reads DJANGO_SETTINGS_MODULE like every other entry point (`make worker` sets it); no default
here, because this module is imported with the `shop` package, before wsgi.py picks production's.
"""

from celery import Celery

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
