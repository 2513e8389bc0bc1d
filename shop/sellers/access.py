"""Who may see what: sellers see their own partners' data, county officers their county's."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")

SELLER_PERMISSION = "partner.dashboard_access"


def partners_of(user):
    """The sellers a user works for (none for anonymous users and consumers)."""
    if not user.is_authenticated or not user.has_perm(SELLER_PERMISSION):
        return Partner.objects.none()
    return Partner.objects.filter(users=user)


def is_seller(user) -> bool:
    return partners_of(user).exists()


def officer_records(user):
    """The county-officer row of a user, as a QuerySet (empty for everyone else)."""
    if not user.is_authenticated:
        return get_model("sellers", "CountyOfficer").objects.none()
    return get_model("sellers", "CountyOfficer").objects.filter(user=user)


def officer_county(user):
    """The county a user is officer of, or None."""
    if not user.is_authenticated:
        return None
    officer = getattr(user, "county_officer", None)
    return officer.county if officer else None


def may_see_certificate(user, certificate) -> bool:
    """Staff, the product's own sellers, and the officer of its origin or seller county."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    product = certificate.product
    if product.stockrecords.filter(partner__in=partners_of(user)).exists():
        return True
    county = officer_county(user)
    return county is not None and (
        product.origin_county_id == county.pk or product.stockrecords.filter(partner__county=county).exists()
    )


class SellerRequiredMixin(AccessMixin):
    """Logged-in users linked to at least one seller; everyone else is refused."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partners = partners_of(request.user)
        if not self.partners.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CountyOfficerRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.county = officer_county(request.user)
        if self.county is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
