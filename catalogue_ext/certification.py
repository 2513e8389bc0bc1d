"""Certificate life cycle: review decisions and the calendar they are judged by."""

import datetime
import zoneinfo

from django.utils import timezone

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def today() -> datetime.date:
    """Today's date in China (Asia/Shanghai), whatever the server's time zone."""
    return timezone.now().astimezone(SHANGHAI).date()


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


class ReviewNotAllowed(Exception):
    pass


def _review(certificate, *, reviewer, status, reason):
    if not reviewer.is_staff:
        raise ReviewNotAllowed("Only platform staff review certificates.")
    if certificate.submitted_by_id == reviewer.pk or certificate.product.stockrecords.filter(
        partner__users=reviewer
    ).exists():
        raise ReviewNotAllowed("A seller cannot review its own certificate.")
    if status != certificate.Status.APPROVED and not reason.strip():
        raise ReviewNotAllowed("A reason is required.")
    certificate.status = status
    certificate.status_reason = reason
    certificate.reviewed_by = reviewer
    certificate.reviewed_at = timezone.now()
    certificate.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at", "updated_at"])


