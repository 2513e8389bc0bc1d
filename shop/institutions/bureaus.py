"""Finance bureaus (财政局): which organisations a bureau covers, and who may act for a bureau.

A bureau covers every organisation registered in its region (by GB/T 2260 code prefix: a province
bureau its whole province, a city bureau its city, a county bureau its county) and every organisation
beneath such an organisation in the hierarchy.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from shop.institutions import quotas
from shop.institutions.models import FinanceBureau, Organisation


def of_user(user):
    """The active bureaus the user is a member of."""
    if not user.is_authenticated:
        return FinanceBureau.objects.none()
    return FinanceBureau.objects.filter(members=user, is_active=True)


def bureau_for_member(user, pk) -> FinanceBureau:
    """The bureau if the user is one of its members (or staff); otherwise 404."""
    bureau = get_object_or_404(FinanceBureau.objects.select_related("region"), pk=pk, is_active=True)
    if user.is_staff or bureau.members.filter(pk=user.pk).exists():
        return bureau
    raise Http404


def _in_region(prefixes) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(region__code__startswith=prefix)
    return condition


def covered_ids(bureau: FinanceBureau, *, tree: quotas.Tree | None = None) -> set[int]:
    """Every organisation the bureau covers: registered in its region, or beneath one that is."""
    tree = tree or quotas.Tree()
    roots = Organisation.objects.filter(_in_region([bureau.region_prefix])).values_list("pk", flat=True)
    covered = set()
    for pk in roots:
        if pk not in covered:
            covered.update(tree.subtree_ids(pk))
    return covered


def user_covers(user, organisation: Organisation) -> bool:
    """Whether one of the user's bureaus covers the organisation (it or a unit above it is in the region)."""
    prefixes = [bureau.region_prefix for bureau in of_user(user).select_related("region")]
    if not prefixes:
        return False
    lineage, current = [], organisation
    while current is not None:
        lineage.append(current.pk)
        current = current.parent
    return Organisation.objects.filter(_in_region(prefixes), pk__in=lineage).exists()


def members_covering(organisation: Organisation) -> list[str]:
    """E-mail addresses of the members of every active bureau covering the organisation."""
    lineage, current = [], organisation
    while current is not None:
        if current.region_id:
            lineage.append(current.region_id)
        current = current.parent
    if not lineage:
        return []
    # A region's province, city and county codes: the only regions a covering bureau can have.
    candidates = {code for region in lineage for code in (region[:2] + "0000", region[:4] + "00", region)}
    bureaus = [
        bureau
        for bureau in FinanceBureau.objects.filter(is_active=True, region_id__in=candidates).select_related(
            "region"
        )
        if any(code.startswith(bureau.region_prefix) for code in lineage)
    ]
    return sorted(
        {email for bureau in bureaus for email in bureau.members.values_list("email", flat=True) if email}
    )
