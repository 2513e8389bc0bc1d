"""Search on the database (PostgreSQL or SQLite) over search.models.ProductDocument rows.

Token strings are stored space-delimited, so `contains " 脐橙 "` is an exact token match, as in
Elasticsearch; facet counts are GROUP BY queries, one per facet group.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    TextField,
    Value,
    When,
)

from catalogue_ext import certification
from search import text
from search.backends.base import SearchBackend, SearchRequest, SearchResults
from search.filters import PRICE_RANGES, CatalogueFilters
from search.models import ProductDocument, ProductDocumentCategory

ORDERINGS = {
    "newest": ("-date_created", "-product_id"),
    "price_asc": ("price", "-date_created", "-product_id"),
    "price_desc": ("-price", "-date_created", "-product_id"),
    "best_selling": ("-num_sold", "-date_created", "-product_id"),
    "title": ("title", "product_id"),
}
# At equal relevance, certified and in-stock products come first.
RELEVANCE = ("-score", "-certified_now", "-in_stock", "-num_sold", "-date_created", "-product_id")


def certified_q() -> Q:
    """Certified in the index and not yet past the certificate's expiry (so expiry needs no re-index)."""
    return Q(certified=True, certified_until__gte=certification.today())


def _in_categories(category_ids) -> Exists:
    return Exists(
        ProductDocumentCategory.objects.filter(document=OuterRef("pk"), category_id__in=list(category_ids))
    )


def filter_q(filters: CatalogueFilters) -> Q:
    q = Q()
    if filters.provinces:
        q &= Q(province__in=filters.provinces)
    if filters.cities:
        q &= Q(city__in=filters.cities)
    if filters.counties:
        q &= Q(county__in=filters.counties)
    if filters.sellers:
        q &= Q(seller_id__in=filters.sellers)
    if filters.prices:
        prices = Q()
        for key in filters.prices:
            low, high = PRICE_RANGES[key]
            bucket = Q(price__isnull=False)
            if low is not None:
                bucket &= Q(price__gte=Decimal(low))
            if high is not None:
                bucket &= Q(price__lt=Decimal(high))
            prices |= bucket
        q &= prices
    if filters.certified_only:
        q &= certified_q()
    if filters.in_stock_only:
        q &= Q(in_stock=True)
    if filters.help_sell_only:
        q &= Q(help_sell=True)
    return q


def _tokens_q(field: str, tokens) -> Q:
    q = Q()
    for token in tokens:
        q &= Q(**{f"{field}__contains": f" {token} "})
    return q


class TokenArray(Func):
    """Title and body tokens as one array: on PostgreSQL a GIN index on this expression (migration
    0002) answers `@> ARRAY[tokens]` without scanning every row."""

    template = "string_to_array(%(expressions)s, ' ')"
    arg_joiner = " || "

    def __init__(self):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(F("title_tokens"), F("body_tokens"), output_field=ArrayField(TextField()))


def every_token_q(tokens) -> Q:
    """Every token appears in the title or the body."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.fields import ArrayField
        from django.contrib.postgres.lookups import DataContains

        return Q(DataContains(TokenArray(), Value(list(tokens), output_field=ArrayField(TextField()))))
    every = Q()
    for token in tokens:
        every &= Q(title_tokens__contains=f" {token} ") | Q(body_tokens__contains=f" {token} ")
    return every


def match_q(query: str) -> tuple[Q, Q]:
    """(matches anywhere, matches in the title) for the query, its synonym variants and its pinyin."""
    anywhere, in_title = Q(), Q()
    for variant in text.query_variants(query):
        tokens = text.query_tokens(variant)
        if not tokens:
            continue
        anywhere |= every_token_q(tokens)
        in_title |= _tokens_q("title_tokens", tokens)
    pinyin = text.pinyin_query(query)
    if pinyin:
        by_pinyin = Q(pinyin__contains=f" {pinyin}")
        if connection.vendor == "postgresql" and anywhere:
            # An OR of the indexed token match and a LIKE would make PostgreSQL rebuild the token array
            # of every row; two id sets, each found its own way, keep the index in use.
            documents = ProductDocument.objects.all()
            anywhere = Q(pk__in=documents.filter(anywhere).values("pk")) | Q(
                pk__in=documents.filter(by_pinyin).values("pk")
            )
        else:
            anywhere |= by_pinyin
        in_title |= by_pinyin
    return anywhere, in_title


class DatabaseBackend(SearchBackend):
    name = "database"

    def scoped(self, request: SearchRequest):
        queryset = ProductDocument.objects.available()
        if request.category_id is not None:
            queryset = queryset.filter(_in_categories([request.category_id]))
        return queryset

    def search(self, request: SearchRequest) -> SearchResults:
        queryset = self.scoped(request)
        in_title = None
        if request.query:
            anywhere, in_title = match_q(request.query)
            if not anywhere:
                return SearchResults(ids=[], total=0, facets={}, backend=self.name)
            queryset = queryset.filter(anywhere)
        filters = request.filters
        results = queryset.filter(filter_q(filters))
        if filters.categories:
            results = results.filter(_in_categories(filters.categories))
        total = results.count()
        ordered = self.order(results, filters.sort, in_title)
        ids = list(
            ordered.values_list("product_id", flat=True)[request.offset : request.offset + request.per_page]
        )
        facets = self.facets(queryset, filters) if request.with_facets else {}
        return SearchResults(ids=ids, total=total, facets=facets, backend=self.name)

    def order(self, queryset, sort: str, in_title: Q | None):
        if sort == "relevance":
            if in_title is None:
                return queryset.order_by(*ORDERINGS["newest"])
            return queryset.annotate(
                score=Case(When(in_title, then=Value(2)), default=Value(1), output_field=IntegerField()),
                certified_now=Case(
                    When(certified_q(), then=Value(1)), default=Value(0), output_field=IntegerField()
                ),
            ).order_by(*RELEVANCE)
        return queryset.order_by(*ORDERINGS.get(sort, ORDERINGS["newest"]))

    def facets(self, matched, filters: CatalogueFilters) -> dict[str, dict]:
        def narrowed(group):
            rest = filters.without(group)
            queryset = matched.filter(filter_q(rest))
            if rest.categories:
                queryset = queryset.filter(_in_categories(rest.categories))
            return queryset.order_by()

        facets = {}
        for group, field in (
            ("province", "province"),
            ("city", "city"),
            ("county", "county"),
            ("seller", "seller_id"),
        ):
            rows = narrowed(group).exclude(**{f"{field}__isnull": True}).values(field).annotate(n=Count("pk"))
            facets[group] = {row[field]: row["n"] for row in rows if row[field] not in ("", None)}
        rows = (
            ProductDocumentCategory.objects.filter(document__in=narrowed("category").values("pk"))
            .values("category_id")
            .annotate(n=Count("document_id"))
        )
        facets["category"] = {row["category_id"]: row["n"] for row in rows}
        price_counts = narrowed("price").aggregate(
            **{
                key: Sum(Case(When(filter_q(CatalogueFilters(prices=[key])), then=1), default=0))
                for key in PRICE_RANGES
            }
        )
        facets["price"] = {key: count for key, count in price_counts.items() if count}
        for group, condition in (
            ("certified", certified_q()),
            ("in_stock", Q(in_stock=True)),
            ("help_sell", Q(help_sell=True)),
        ):
            facets[group] = {True: narrowed(group).filter(condition).count()}
        return facets

    def closest_title(self, query: str) -> str | None:
        tokens = []
        for variant in text.query_variants(query):
            tokens.extend(text.query_tokens(variant))
        tokens = list(dict.fromkeys(tokens))[:12]
        if not tokens:
            return None
        hits = sum(
            (Case(When(Q(title_tokens__contains=f" {token} "), then=1), default=0) for token in tokens),
            Value(0),
        )
        best = (
            ProductDocument.objects.available()
            .annotate(hits=hits)
            .filter(hits__gt=0)
            .order_by("-hits", "-num_sold", "-product_id")
            .values_list("title", flat=True)
            .first()
        )
        return best

    def index(self, docs, *, deleted_ids=()) -> None:
        """Replace the rows of these documents (and drop rows of deleted products), in one transaction."""
        ids = [doc.id for doc in docs]
        # An upsert rather than delete + insert: two transactions re-indexing the same product
        # (two orders of it placed at once) must not collide on the primary key.
        columns = [f.name for f in ProductDocument._meta.concrete_fields if not f.primary_key]
        with transaction.atomic():
            if deleted_ids:
                ProductDocument.objects.filter(product_id__in=list(deleted_ids)).delete()
            ProductDocument.objects.bulk_create(
                [_row(doc) for doc in docs],
                update_conflicts=True,
                unique_fields=[ProductDocument._meta.pk.name],
                update_fields=columns,
            )
            ProductDocumentCategory.objects.filter(document_id__in=ids).delete()
            ProductDocumentCategory.objects.bulk_create(
                [
                    ProductDocumentCategory(document_id=doc.id, category_id=category_id)
                    for doc in docs
                    for category_id in doc.category_ids
                ],
                ignore_conflicts=True,
            )


def _row(doc) -> ProductDocument:
    return ProductDocument(
        product_id=doc.id,
        title=doc.title[:255],
        title_tokens=text.indexed_text(doc.title),
        body_tokens=text.indexed_text(doc.body),
        pinyin=f" {' '.join(doc.pinyin)} " if doc.pinyin else "",
        province=doc.province,
        city=doc.city,
        county=doc.county,
        seller_id=doc.seller_id,
        price=doc.price,
        in_stock=doc.in_stock,
        certified=doc.certified,
        certified_until=doc.certified_until,
        help_sell=doc.help_sell,
        num_sold=doc.num_sold,
        date_created=doc.date_created,
        available=doc.available,
    )
