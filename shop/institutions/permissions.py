"""Who may see what: members see their organisations, administrators the reports, approvers decide;
a finance bureau sees the organisations it covers (bureaus.py) and their reports."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from shop.institutions import bureaus
from shop.institutions.models import Membership, Organisation


@dataclass(frozen=True)
class Access:
    """A user's access to one organisation, with their memberships of it and of the units above it read
    once: what its pages ask (roles, reports) without a query each."""

    user: object
    organisation: Organisation
    memberships: tuple  # the user's memberships of the organisation and of the units above it

    @property
    def roles(self) -> Membership | None:
        return roles(self.user, self.organisation, memberships=self.memberships)

    @property
    def can_see_reports(self) -> bool:
        return can_see_reports(self.user, self.organisation, memberships=self.memberships)

    def require_reports(self) -> None:
        require_reports(self.user, self.organisation, memberships=self.memberships)


def organisation_access(user, pk) -> Access:
    """The user's access to the organisation if they belong to it (or to a unit above it), cover it as a
    finance bureau or are staff; otherwise 404."""
    # With what the pages show of it: its region's full name and its supervising unit.
    organisation = get_object_or_404(
        Organisation.objects.select_related("region__province", "region__parent", "parent"), pk=pk
    )
    memberships = tuple(_memberships(user, organisation).order_by())
    if user.is_staff or memberships or bureaus.user_covers(user, organisation):
        return Access(user, organisation, memberships)
    raise Http404


def organisation_for_member(user, pk) -> Organisation:
    """The organisation if the user belongs to it (or to a unit above it), covers it as a finance bureau or
    is staff; otherwise 404."""
    return organisation_access(user, pk).organisation


def memberships_of(user):
    """Every membership of a user, in any organisation (none for anonymous users)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user)


def _lineage(organisation) -> list[int]:
    ids, current = [], organisation
    while current is not None:
        ids.append(current.pk)
        current = current.parent
    return ids


def _memberships(user, organisation):
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, organisation_id__in=_lineage(organisation))


def can_see_reports(user, organisation, *, memberships: tuple | None = None) -> bool:
    """Staff, administrators of the organisation or of a supervising unit above it, and covering bureaus.

    `memberships`: the user's memberships of the organisation and the units above it, when already read."""
    if user.is_staff:
        return True
    if memberships is None:
        administrator = _memberships(user, organisation).filter(is_administrator=True).exists()
    else:
        administrator = any(membership.is_administrator for membership in memberships)
    return administrator or bureaus.user_covers(user, organisation)


def require_reports(user, organisation, *, memberships: tuple | None = None) -> None:
    if not can_see_reports(user, organisation, memberships=memberships):
        raise PermissionDenied


def is_administrator(user, organisation) -> bool:
    """Staff, and administrators of this very organisation (not of a unit above it)."""
    return user.is_authenticated and (
        user.is_staff
        or Membership.objects.filter(user=user, organisation=organisation, is_administrator=True).exists()
    )


def require_administrator(user, organisation) -> None:
    if not is_administrator(user, organisation):
        raise PermissionDenied


def require_approver(user, organisation) -> None:
    if not Membership.objects.filter(user=user, organisation=organisation, is_approver=True).exists():
        raise PermissionDenied


def roles(user, organisation, *, memberships: tuple | None = None) -> Membership | None:
    """The user's membership of this very organisation (`memberships`: as Access read them), or None."""
    if not user.is_authenticated:
        return None
    if memberships is not None:
        return next((m for m in memberships if m.organisation_id == organisation.pk), None)
    return Membership.objects.filter(user=user, organisation=organisation).first()
