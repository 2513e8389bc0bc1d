"""Catalogue filters parsed from the query string, and the sort orders both backends offer.

Unknown or malformed values are ignored rather than raising, so a hand-edited URL never errors.
Several values of one filter (?province=a&province=b) are alternatives (OR); different filters combine
with AND.
"""

import re
from dataclasses import dataclass, field, fields, replace

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")

DIVISION_CODE = re.compile(r"^\d{6}$")
MAX_VALUES = 50

SORTS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "best_selling": _("Best selling"),
    "title": _("Title"),
}
DEFAULT_SORT = "newest"
DEFAULT_QUERY_SORT = "relevance"

# key → (from, to) in yuan; from inclusive, to exclusive.
PRICE_RANGES = {
    "0-20": (None, 20),
    "20-50": (20, 50),
    "50-100": (50, 100),
    "100-200": (100, 200),
    "200-": (200, None),
}

TRUE_VALUES = ("1", "true", "on", "yes")

# Facet groups: the filter fields a group's own counts ignore (multi-select within a facet).
FACET_GROUPS = {
    "province": ("provinces", "cities", "counties"),
    "city": ("cities", "counties"),
    "county": ("counties",),
    "category": ("categories",),
    "seller": ("sellers",),
    "price": ("prices",),
    "certified": ("certified_only",),
    "in_stock": ("in_stock_only",),
    "help_sell": ("help_sell_only",),
}


@dataclass(frozen=True)
class CatalogueFilters:
    provinces: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    categories: list[int] = field(default_factory=list)
    sellers: list[int] = field(default_factory=list)
    prices: list[str] = field(default_factory=list)
    certified_only: bool = False
    in_stock_only: bool = False
    help_sell_only: bool = False
    sort: str = DEFAULT_SORT

    @classmethod
    def from_query(cls, params, *, default_sort=DEFAULT_SORT):
        sort = params.get("sort")
        return cls(
            provinces=_codes(params.getlist("province")),
            cities=_codes(params.getlist("city")),
            counties=_codes(params.getlist("county")),
            categories=_ids(params.getlist("category")),
            sellers=_ids(params.getlist("seller")),
            prices=[key for key in dict.fromkeys(params.getlist("price")) if key in PRICE_RANGES],
            certified_only=params.get("certified") in TRUE_VALUES,
            in_stock_only=params.get("in_stock") in TRUE_VALUES,
            help_sell_only=params.get("help_sell") in TRUE_VALUES,
            sort=sort if sort in SORTS else default_sort,
        )

    @property
    def active(self):
        return any(getattr(self, f.name) for f in fields(self) if f.name != "sort")

    def without(self, group: str) -> "CatalogueFilters":
        """These filters minus the ones a facet group's own counts ignore."""
        cleared = {}
        for name in FACET_GROUPS[group]:
            cleared[name] = False if name.endswith("_only") else []
        return replace(self, **cleared)

    def apply(self, queryset):
        """Apply the region and certification filters to a Product queryset (for callers outside search)."""
        if self.provinces:
            queryset = queryset.from_province(self.provinces)
        if self.counties:
            queryset = queryset.from_county(self.counties)
        if self.certified_only:
            queryset = queryset.certified()
        return queryset


def _codes(values):
    return [value for value in dict.fromkeys(values) if DIVISION_CODE.match(value or "")][:MAX_VALUES]


def _ids(values):
    ids = []
    for value in values:
        if value and value.isdigit() and len(value) < 10:
            ids.append(int(value))
    return list(dict.fromkeys(ids))[:MAX_VALUES]


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
