"""Certificate life cycle: submission, review decisions and expiry (judged by the shop's calendar, shop.core.dates)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from catalogue_ext import changes
from shop.core import dates
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted


def is_product_certified(product, *, on: datetime.date | None = None) -> bool:
    from catalogue_ext.models import ProductCertificate

    return ProductCertificate.objects.valid(on=on).filter(product=product).exists()


def approve(certificate, *, reviewer) -> None:
    """Approve a pending certificate. A seller can never approve its own certificate."""
    _review(certificate, reviewer=reviewer, status=certificate.Status.APPROVED, reason="")


def reject(certificate, *, reviewer, reason: str) -> None:
    _review(certificate, reviewer=reviewer, status=certificate.Status.REJECTED, reason=reason)


def revoke(certificate, *, reviewer, reason: str) -> None:
    _review(certificate, reviewer=reviewer, status=certificate.Status.REVOKED, reason=reason)


def _review(certificate, *, reviewer, status, reason):
    if not reviewer.is_staff:
        raise NotPermitted(_("Only platform staff review certificates."))
    if (
        certificate.submitted_by_id == reviewer.pk
        or certificate.product.stockrecords.filter(partner__users=reviewer).exists()
    ):
        raise NotPermitted(_("A seller cannot review its own certificate."))
    expected = (
        certificate.Status.APPROVED if status == certificate.Status.REVOKED else certificate.Status.PENDING
    )
    if certificate.status != expected:
        raise InvalidState(_("This certificate is not awaiting that decision."))
    if status != certificate.Status.APPROVED and not reason.strip():
        raise InvalidInput(_("A reason is required."))
    certificate.status = status
    certificate.status_reason = reason
    certificate.reviewed_by = reviewer
    certificate.reviewed_at = timezone.now()
    with changes.ours():
        certificate.save(
            update_fields=["status", "status_reason", "reviewed_by", "reviewed_at", "updated_at"]
        )
    changes.products_changed([certificate.product_id])
    notify_review(certificate)


# --- Seller submissions, review notices and the daily expiry run ---

EXPIRY_NOTICE_DAYS = 30


def submit(certificate, *, seller_user) -> None:
    """A seller submits a certificate for one of its own products; it waits for staff review."""
    if not certificate.product.stockrecords.filter(partner__users=seller_user).exists():
        raise NotPermitted(_("A seller submits certificates only for its own products."))
    certificate.status = certificate.Status.PENDING
    certificate.submitted_by = seller_user
    certificate.reviewed_by = None
    certificate.reviewed_at = None
    certificate.status_reason = ""
    with changes.ours():
        certificate.save()
    changes.products_changed([certificate.product_id])


def notify_review(certificate) -> None:
    """Tell the product's seller how its certificate was decided."""
    _notify_sellers(certificate, "certificate_reviewed")


def expire_lapsed(*, on: datetime.date | None = None) -> int:
    """Mark approved certificates whose expiry date has passed as expired; returns how many changed.

    The shop never depends on this: ProductCertificate.objects.valid() already ignores them
    from the day after expiry. This keeps the status column honest for people reading it.
    """
    from catalogue_ext.models import ProductCertificate

    on = on or dates.today()
    lapsed = list(
        ProductCertificate.objects.filter(status=ProductCertificate.Status.APPROVED, expiry_date__lt=on)
    )
    now = timezone.now()
    for certificate in lapsed:
        certificate.status = ProductCertificate.Status.EXPIRED
        certificate.updated_at = now
    # With history: the certificate's trail shows the day it lapsed (no user: the daily run did it).
    bulk_update_with_history(lapsed, ProductCertificate, ["status", "updated_at"], batch_size=1000)
    return len(lapsed)


def send_expiry_notices(*, on: datetime.date | None = None, progress=lambda n: None) -> int:
    """E-mail sellers once about each valid certificate expiring within 30 days; returns how many."""
    from django.db import transaction

    from catalogue_ext.models import ProductCertificate

    on = on or dates.today()
    due = ProductCertificate.objects.valid(on=on).filter(
        expiry_date__lte=on + datetime.timedelta(days=EXPIRY_NOTICE_DAYS), expiry_notice_sent_at__isnull=True
    )
    sent = 0
    for pk in due.values_list("pk", flat=True):
        progress(1)
        with transaction.atomic():
            # The row lock and the re-check make two overlapping runs send each notice once.
            certificate = (
                ProductCertificate.objects.select_for_update()
                .filter(pk=pk, expiry_notice_sent_at__isnull=True)
                .select_related("product")
                .first()
            )
            if certificate is None:
                continue
            _notify_sellers(
                certificate,
                "certificate_expiring",
                key=f"certificate-expiring:{certificate.pk}:{certificate.expiry_date}",
                days_left=(certificate.expiry_date - on).days,
            )
            certificate.expiry_notice_sent_at = timezone.now()
            certificate.save(update_fields=["expiry_notice_sent_at", "updated_at"])
            sent += 1
    return sent


def _notify_sellers(certificate, template, *, key="", **context):
    from oscar.core.loading import get_model

    from shop.core import mail
    from shop.sellers import notifications

    Partner = get_model("partner", "Partner")
    partners = Partner.objects.filter(stockrecords__product=certificate.product_id)
    mail.send(
        notifications.seller_addresses(partners),
        template=f"sellers/email/{template}",
        context={"certificate": certificate, **context},
        key=key,
    )
