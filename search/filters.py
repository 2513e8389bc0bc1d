"""Catalogue filters parsed from the query string: province, county, certified only, sort.

Unknown or malformed values are ignored rather than raising, so a hand-edited URL never errors.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")

DIVISION_CODE = re.compile(r"^\d{6}$")
SORTS = {
    "newest": ("-date_created", "-id"),
    "title": ("title", "id"),
}
DEFAULT_SORT = "newest"


@dataclass
class CatalogueFilters:
    provinces: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    certified_only: bool = False
    sort: str = DEFAULT_SORT

    @classmethod
    def from_query(cls, params):
        return cls(
            provinces=_codes(params.getlist("province")),
            counties=_codes(params.getlist("county")),
            certified_only=params.get("certified") in ("1", "true", "on"),
            sort=params.get("sort") if params.get("sort") in SORTS else DEFAULT_SORT,
        )

    @property
    def active(self):
        return bool(self.provinces or self.counties or self.certified_only)

    def apply(self, queryset):
        if self.provinces:
            queryset = queryset.from_province(self.provinces)
        if self.counties:
            queryset = queryset.from_county(self.counties)
        if self.certified_only:
            queryset = queryset.certified()
        return queryset.order_by(*SORTS[self.sort])


def _codes(values):
    return [value for value in values if DIVISION_CODE.match(value or "")][:50]


def province_counts(queryset):
    """(province, count) for the products in queryset, one SQL GROUP BY."""
    rows = (
        queryset.order_by()
        .values("origin_province")
        .annotate(n=Count("id"))
        .filter(origin_province__isnull=False)
    )
    counts = {row["origin_province"]: row["n"] for row in rows}
    regions = Region.objects.filter(code__in=counts).order_by("code")
    return [(region, counts[region.code]) for region in regions]


def county_counts(queryset, province_codes):
    rows = (
        queryset.order_by()
        .filter(origin_province__in=province_codes)
        .values("origin_county")
        .annotate(n=Count("id"))
    )
    counts = {row["origin_county"]: row["n"] for row in rows}
    regions = Region.objects.filter(code__in=counts).order_by("code")
    return [(region, counts[region.code]) for region in regions]
