"""The role workspaces the header's account menu links to, found in one query per page.

Each role is decided by the app that owns it: organisation membership by
`shop.institutions.permissions.memberships_of`, sellers by `shop.sellers.access.partners_of`, county
officers by `shop.sellers.access.officer_records`, staff by the user's flag. Their QuerySets are
combined into one SELECT of EXISTS clauses instead of one query per role.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, Value
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shop.institutions.permissions import memberships_of
from shop.sellers import access as seller_access


@dataclass(frozen=True)
class Workspace:
    key: str
    label: str | Promise
    url: str


def workspaces(user) -> list[Workspace]:
    """The workspaces a user may open, in menu order: 我的单位, 卖家中心, 县级工作台, 审核."""
    if not user.is_authenticated or not user.is_active:
        return []
    # partners_of() checks the seller permission first (Django caches the user's permissions per request,
    # and the header already reads them); without it the user is no seller whatever the rows say.
    partners = seller_access.partners_of(user)
    flags = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(memberships_of(user)),
            Exists(partners) if user.has_perm(seller_access.SELLER_PERMISSION) else Value(False),
            Exists(seller_access.officer_records(user)),
        )
        .first()
    )
    if flags is None:
        return []
    member, seller, officer = flags
    entries = []
    if member:
        entries.append(Workspace("organisation", _("My organisation"), reverse("institutions:list")))
    if seller:
        entries.append(Workspace("seller", _("Seller centre"), reverse("sellers:seller-home")))
    if officer:
        entries.append(Workspace("county", _("County workbench"), reverse("sellers:county-applications")))
    if user.is_staff:
        entries.append(Workspace("review", _("Review"), reverse("dashboard:index")))
    return entries
