"""Oscar's offer models, unchanged: the app is forked for its Applicator (shop/offer/applicator.py)."""

from oscar.apps.offer.models import *  # noqa: F401,F403
