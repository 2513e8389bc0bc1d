"""Low-stock e-mails: a seller's users hear once each time a product's stock falls to its threshold.

A LowStockNotice row per stock record remembers that the current crossing was reported; it is removed
when the record is above its threshold again, which re-arms the notice for the next fall. Run daily by
`process_expiries`; running it again sends nothing new.
"""

from collections.abc import Callable

from django.db import transaction
from oscar.core.loading import get_model

from shop.core import mail
from shop.sellers import notifications
from shop.sellers.listings import with_stock_level
from shop.sellers.models import LowStockNotice

StockRecord = get_model("partner", "StockRecord")


def send_low_stock_notices(*, progress: Callable[[int], None] = lambda n: None) -> int:
    """Re-arm records back above their threshold, then e-mail each seller about newly low records.

    `progress` is called once per seller handled."""
    records = with_stock_level(StockRecord.objects.all())
    LowStockNotice.objects.filter(stockrecord__in=records.filter(is_low=False).values("pk")).delete()
    sent = 0
    newly_low = (
        records.filter(is_low=True, low_stock_notice__isnull=True)
        .select_related("product", "partner")
        .order_by("partner_id", "product__title")
    )
    by_partner: dict = {}
    for record in newly_low:
        by_partner.setdefault(record.partner, []).append(record)
    for partner, low in by_partner.items():
        with transaction.atomic():
            # Claim each record first: a concurrent run that loses the race claims none and sends nothing.
            notices = {}
            for record in low:
                notice, created = LowStockNotice.objects.get_or_create(
                    stockrecord=record, defaults={"available": record.available_quantity}
                )
                if created:
                    notices[record] = notice
            if notices:
                claimed = list(notices)
                mail.send(
                    notifications.seller_addresses([partner]),
                    template="sellers/email/low_stock",
                    context={"partner": partner, "records": claimed},
                    key=f"low-stock:{partner.pk}:{min(n.pk for n in notices.values())}-{len(notices)}",
                )
                sent += 1
        progress(1)
    return sent
