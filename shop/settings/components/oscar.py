"""django-oscar: its defaults, then the shop's currency, checkout and order pipelines.

The dashboard menu entries of our own apps are added by the dashboard fork (shop/dashboard/menu.py),
so this module names no function of ours.
"""

from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F401,F403 - Oscar's settings are the base we override

from .email import DEFAULT_FROM_EMAIL

OSCAR_SHOP_NAME = _("Aidmarket 消费帮扶商城")
OSCAR_SHOP_TAGLINE = _("Consumption aid for formerly poverty-stricken areas")
OSCAR_HOMEPAGE = "/"
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_ALLOW_ANON_CHECKOUT = False
# Chinese addresses (shop/customer/addresses.py): no last name, no city for a province-governed county.
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "state", "country", "phone_number")
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_THUMBNAILER = "shop.thumbnails.FileThumbnailer"
OSCAR_SLUG_FUNCTION = "catalogue_ext.slugs.pinyin_slugify"  # pinyin, not escaped code points
OSCAR_SAVE_SENT_EMAILS_TO_DB = True
OSCAR_INITIAL_ORDER_STATUS = "pending_payment"
OSCAR_INITIAL_LINE_STATUS = "pending"
# Keys are stable identifiers; shop.order.statuses gives their translated labels.
OSCAR_ORDER_STATUS_PIPELINE = {
    "awaiting_approval": ("pending_payment", "cancelled"),
    "pending_payment": ("paid", "payment_failed", "cancelled"),
    "payment_failed": ("pending_payment", "paid", "cancelled"),
    "paid": ("shipped", "completed", "refunded", "cancelled"),
    "shipped": ("completed", "refunded"),
    "completed": ("refunded",),
    "refunded": (),
    "cancelled": (),
}
OSCAR_ORDER_STATUS_CASCADE = {"cancelled": "cancelled", "shipped": "shipped"}
OSCAR_LINE_STATUS_PIPELINE = {
    "pending": ("shipped", "cancelled"),
    "shipped": ("delivered",),
    "delivered": (),
    "cancelled": (),
}

# Oscar still loads haystack; our own search app (search/) replaces its views, so haystack only
# needs an engine that works with nothing installed and must not index on every save.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
