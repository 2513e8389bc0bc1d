"""Members of an organisation: administrators add people, change their roles and remove them.

An organisation that has an administrator always keeps one: the last administrator can neither be removed nor
lose the role, because nobody but platform staff could then manage the members, the declaration or the reports.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.institutions import permissions
from shop.institutions.models import Membership, Organisation

ROLES = ("is_buyer", "is_approver", "is_administrator")


def add(
    organisation: Organisation,
    *,
    user,
    by,
    is_buyer: bool = True,
    is_approver: bool = False,
    is_administrator: bool = False,
) -> Membership:
    """Make a registered person a member of the organisation with the given roles."""
    _check_manager(organisation, by)
    try:
        with transaction.atomic():
            return Membership.objects.create(
                organisation=organisation,
                user=user,
                is_buyer=is_buyer,
                is_approver=is_approver,
                is_administrator=is_administrator,
            )
    except IntegrityError:
        raise InvalidInput(_("This person is already a member."), code="already_member") from None


def set_roles(
    membership: Membership, *, by, is_buyer: bool, is_approver: bool, is_administrator: bool
) -> Membership:
    """Change a member's roles; the last administrator keeps the administrator role."""
    with transaction.atomic():
        locked = _lock(membership)
        _check_manager(locked.organisation, by)
        if locked.is_administrator and not is_administrator:
            _keep_an_administrator(locked)
        locked.is_buyer, locked.is_approver, locked.is_administrator = is_buyer, is_approver, is_administrator
        locked.save(update_fields=list(ROLES))
    return locked


def remove(membership: Membership, *, by) -> None:
    """Remove a member from the organisation; the last administrator cannot be removed."""
    with transaction.atomic():
        locked = _lock(membership)
        _check_manager(locked.organisation, by)
        if locked.is_administrator:
            _keep_an_administrator(locked)
        locked.delete()


def _check_manager(organisation, user) -> None:
    if not permissions.is_administrator(user, organisation):
        raise NotPermitted(_("Only an administrator of this organisation manages its members."))


def _lock(membership: Membership) -> Membership:
    # The organisation row is the lock for changes to its members: two administrators removing each other
    # at the same moment are served one after the other, and the second sees what the first left.
    list(Organisation.objects.select_for_update().filter(pk=membership.organisation_id).values_list("pk"))
    locked = Membership.objects.select_related("user", "organisation").filter(pk=membership.pk).first()
    if locked is None:
        raise InvalidState(_("This person is no longer a member."), code="not_a_member")
    return locked


def _keep_an_administrator(membership: Membership) -> None:
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, is_administrator=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise InvalidState(
            _("An organisation must keep an administrator: make another member administrator first."),
            code="last_administrator",
        )
