"""Turning backend results into what the search and catalogue templates show: facet lists with names,
counts, selected state and toggle links; the empty-state helpers; stories from Wagtail."""

from dataclasses import dataclass, replace

from django.db.models import Count, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from search import text
from search.filters import PRICE_RANGES, CatalogueFilters
from search.models import ProductDocument, ProductDocumentCategory

Region = get_model("catalogue", "Region")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")

PRICE_LABELS = {
    "0-20": _("Under ¥20"),
    "20-50": _("¥20–50"),
    "50-100": _("¥50–100"),
    "100-200": _("¥100–200"),
    "200-": _("¥200 and above"),
}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str
    depth: int = 1


def toggle_url(params: QueryDict, name: str, value: str, *, single: bool = False) -> str:
    """The current query string with `name=value` switched on or off (and the page reset)."""
    query = params.copy()
    query.pop("page", None)
    values = query.getlist(name)
    if value in values:
        values = [v for v in values if v != value]
    else:
        values = [value] if single else [*values, value]
    query.setlist(name, values)
    if name == "province" and value not in values:
        # Leaving a province also leaves its cities and counties.
        query.setlist("city", [c for c in query.getlist("city") if not c.startswith(value[:2])])
        query.setlist("county", [c for c in query.getlist("county") if not c.startswith(value[:2])])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def region_options(counts: dict, selected: list[str], params: QueryDict, name: str) -> list[FacetOption]:
    regions = Region.objects.filter(code__in=set(counts) | set(selected)).order_by("code")
    return [
        FacetOption(
            region.code,
            region.name,
            counts.get(region.code, 0),
            region.code in selected,
            toggle_url(params, name, region.code),
        )
        for region in regions
    ]


def category_options(counts: dict, filters: CatalogueFilters, params, *, scope=None) -> list[FacetOption]:
    """Top-level categories (or the children of the category page), and the children of selected ones."""
    selected = set(filters.categories)
    if scope is not None:
        roots = list(scope.get_children().filter(is_public=True))
    else:
        roots = list(Category.get_root_nodes().filter(is_public=True))
    options = []
    chosen = Category.objects.filter(id__in=selected)
    expand = {category.path for category in chosen}
    for root in roots:
        options.append(_category_option(root, counts, selected, params, depth=1))
        if any(path.startswith(root.path) for path in expand):
            for child in root.get_children().filter(is_public=True):
                options.append(_category_option(child, counts, selected, params, depth=2))
    return [option for option in options if option.count or option.selected]


def _category_option(category, counts, selected, params, *, depth) -> FacetOption:
    return FacetOption(
        str(category.id),
        category.name,
        counts.get(category.id, 0),
        category.id in selected,
        toggle_url(params, "category", str(category.id)),
        depth,
    )


def build_facets(results, filters: CatalogueFilters, params: QueryDict, *, scope=None) -> dict:
    counts = results.facets
    if not counts:
        return {}
    facets = {
        "province": region_options(counts.get("province", {}), filters.provinces, params, "province"),
        "city": [],
        "county": [],
        "category": category_options(counts.get("category", {}), filters, params, scope=scope),
    }
    if filters.provinces or filters.cities:
        in_scope = tuple(code[:2] for code in filters.provinces) + tuple(code[:4] for code in filters.cities)
        city_counts = {code: n for code, n in counts.get("city", {}).items() if code.startswith(in_scope)}
        county_counts = {code: n for code, n in counts.get("county", {}).items() if code.startswith(in_scope)}
        facets["city"] = region_options(city_counts, filters.cities, params, "city")
        facets["county"] = region_options(county_counts, filters.counties, params, "county")
    sellers = counts.get("seller", {})
    # The 20 sellers with most results (and any selected): links and names only for those, not for
    # every seller in the results (thousands at national scale).
    shown = sorted(sellers, key=lambda pk: -sellers[pk])[:20]
    shown += [pk for pk in filters.sellers if pk not in shown]
    names = dict(Partner.objects.filter(id__in=shown).values_list("id", "name"))
    facets["seller"] = sorted(
        (
            FacetOption(
                str(pk),
                names[pk],
                sellers.get(pk, 0),
                pk in filters.sellers,
                toggle_url(params, "seller", str(pk)),
            )
            for pk in shown
            if pk in names
        ),
        key=lambda option: (-option.count, option.label),
    )[:20]
    price_counts = counts.get("price", {})
    facets["price"] = [
        FacetOption(
            key,
            PRICE_LABELS[key],
            price_counts.get(key, 0),
            key in filters.prices,
            toggle_url(params, "price", key),
        )
        for key in PRICE_RANGES
        if price_counts.get(key) or key in filters.prices
    ]
    for group, param, selected in (
        ("certified", "certified", filters.certified_only),
        ("in_stock", "in_stock", filters.in_stock_only),
        ("help_sell", "help_sell", filters.help_sell_only),
    ):
        count = counts.get(group, {}).get(True, 0)
        facets[group] = FacetOption("1", "", count, selected, toggle_url(params, param, "1", single=True))
    return facets


TOGGLE_LABELS = {
    "certified": _("Certified aid products only"),
    "in_stock": _("In stock"),
    "help_sell": _("Help-sell (surplus harvest)"),
}
CHIP_GROUPS = ("category", "province", "city", "county", "price", "seller")


def applied_filters(facets: dict) -> list[FacetOption]:
    """The filters in force, each with the link that removes it: the listing's removable chips."""
    chips = [
        replace(facets[group], label=label)
        for group, label in TOGGLE_LABELS.items()
        if group in facets and facets[group].selected
    ]
    for group in CHIP_GROUPS:
        chips.extend(option for option in facets.get(group, []) if option.selected)
    return chips


def sort_links(params: QueryDict, options, current: str) -> list[FacetOption]:
    """One link per sort order (page reset, filters kept), the current one selected."""
    links = []
    for key, label in options:
        query = params.copy()
        query.pop("page", None)
        query["sort"] = key
        links.append(FacetOption(key, label, 0, key == current, f"?{query.urlencode()}"))
    return links


def popular_categories(limit: int = 8):
    """Top-level public categories with the most available products (for empty states)."""
    roots = Category.get_root_nodes().filter(is_public=True)
    counts = dict(
        ProductDocumentCategory.objects.filter(document__available=True, category_id__in=roots.values("id"))
        .values("category_id")
        .annotate(n=Count("document_id"))
        .values_list("category_id", "n")
    )
    categories = sorted((c for c in roots if counts.get(c.id)), key=lambda c: -counts[c.id])
    return [(category, counts[category.id]) for category in categories[:limit]]


def help_sell_product_ids(limit: int = 4) -> list[int]:
    """Help-sell products to suggest when nothing matched; best sellers when none is flagged."""
    documents = ProductDocument.objects.available()
    flagged = documents.filter(help_sell=True, in_stock=True)
    chosen = flagged if flagged.exists() else documents.filter(in_stock=True)
    return list(chosen.order_by("-num_sold", "-date_created").values_list("product_id", flat=True)[:limit])


def stories(query: str, *, limit: int = 5) -> list:
    """Live, public CMS pages matching the query: Wagtail search, plus title matches on every token,
    because the database search backend does not split Chinese into words."""
    from wagtail.models import Page

    query = text.clean_query(query)
    if not query:
        return []
    pages = Page.objects.live().public().filter(depth__gt=1)
    found = []
    try:
        found = list(pages.search(query)[:limit])
    except Exception:  # noqa: BLE001 - stories are a side panel; never fail the product search for them
        found = []
    if len(found) < limit:
        title_match = Q()
        for variant in text.query_variants(query):
            tokens = text.query_tokens(variant)
            if tokens:
                every = Q()
                for token in tokens:
                    every &= Q(title__icontains=token) | Q(search_description__icontains=token)
                title_match |= every
        if title_match:
            seen = {page.pk for page in found}
            found += [
                page
                for page in pages.filter(title_match)
                .exclude(pk__in=seen)
                .order_by("-first_published_at")[: limit - len(found)]
            ]
    return [page.specific for page in found]
