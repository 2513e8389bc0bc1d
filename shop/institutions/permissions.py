"""Who may see what: members see their organisations, administrators the reports, approvers decide;
a finance bureau sees the organisations it covers (bureaus.py) and their reports."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from shop.institutions import bureaus
from shop.institutions.models import Membership, Organisation


def organisation_for_member(user, pk) -> Organisation:
    """The organisation if the user belongs to it (or to a unit above it), covers it as a finance bureau or
    is staff; otherwise 404."""
    # With what the pages show of it: its region's full name and its supervising unit.
    organisation = get_object_or_404(
        Organisation.objects.select_related("region__province", "region__parent", "parent"), pk=pk
    )
    if user.is_staff or _memberships(user, organisation).exists() or bureaus.user_covers(user, organisation):
        return organisation
    raise Http404


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


def can_see_reports(user, organisation) -> bool:
    """Staff, administrators of the organisation or of a supervising unit above it, and covering bureaus."""
    return (
        user.is_staff
        or _memberships(user, organisation).filter(is_administrator=True).exists()
        or bureaus.user_covers(user, organisation)
    )


def require_reports(user, organisation) -> None:
    if not can_see_reports(user, organisation):
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


def roles(user, organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()
