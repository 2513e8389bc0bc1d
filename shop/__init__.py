# Loaded with Django, so that tasks queued by web requests and commands use the shop's Celery app.
from shop.celery import app as celery_app

__all__ = ["celery_app"]
