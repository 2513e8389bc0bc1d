"""Search on the database (PostgreSQL or SQLite) over search.models.ProductDocument rows.

Token strings are stored space-delimited, so `contains " 脐橙 "` is an exact token match, as in
Elasticsearch; facet counts are GROUP BY queries, one per facet group.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)

from search import text, understanding
from search.backends.base import SearchBackend, SearchRequest, SearchResults
from search.filters import PRICE_RANGES, CatalogueFilters
from search.models import ProductDocument, ProductDocumentCategory
from shop.core import dates
from shop.core.grouping import grouping_sets

ORDERINGS = {
    "newest": ("-date_created", "-product_id"),
    "price_asc": ("price", "-date_created", "-product_id"),
    "price_desc": ("-price", "-date_created", "-product_id"),
    "best_selling": ("-num_sold", "-date_created", "-product_id"),
    "title": ("title", "product_id"),
}
# At equal relevance, certified and in-stock products come first.
RELEVANCE = ("-score", "-certified_now", "-in_stock", "-num_sold", "-date_created", "-product_id")
# The order after relevance and certification; ProductDocument's "search_doc_rank" index follows it.
RANK_INDEX = RELEVANCE[2:]


def certified_q() -> Q:
    """Certified in the index and not yet past the certificate's expiry (so expiry needs no re-index)."""
    return Q(certified=True, certified_until__gte=dates.today())


def _certified_now() -> Case:
    return Case(When(certified_q(), then=Value(1)), default=Value(0), output_field=IntegerField())


def _rank_without_index():
    """RANK_INDEX order in a form the rank index cannot serve. For body matches the planner would walk
    that index and rebuild every row's token array until it found enough, which it underestimates
    badly (4.5 s for a query matching nothing at 100,000 products); the GIN index and a sort of the
    matches is right whatever their number."""
    return (
        F("in_stock").desc(),
        ExpressionWrapper(F("num_sold") + 0, output_field=IntegerField()).desc(),
        F("date_created").desc(),
        F("product_id").desc(),
    )


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


class TitleTokenArray(Func):
    """Title tokens alone as an array, GIN-indexed on PostgreSQL (migration 0003) for autocomplete."""

    template = "string_to_array(%(expressions)s, ' ')"

    def __init__(self):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(F("title_tokens"), output_field=ArrayField(TextField()))


def _array_contains(array: Func, tokens) -> Q:
    from django.contrib.postgres.fields import ArrayField
    from django.contrib.postgres.lookups import DataContains

    return Q(DataContains(array, Value(list(tokens), output_field=ArrayField(TextField()))))


def title_tokens_q(tokens) -> Q:
    """Every token appears in the title."""
    if connection.vendor == "postgresql":
        return _array_contains(TitleTokenArray(), tokens)
    return _tokens_q("title_tokens", tokens)


def pinyin_q(pinyin: str) -> Q:
    """Some pinyin key starts with the query (a trigram index answers the LIKE on PostgreSQL)."""
    return Q(pinyin__contains=f" {pinyin}")


def every_token_q(tokens) -> Q:
    """Every token appears in the title or the body."""
    if connection.vendor == "postgresql":
        return _array_contains(TokenArray(), tokens)
    every = Q()
    for token in tokens:
        every &= Q(title_tokens__contains=f" {token} ") | Q(body_tokens__contains=f" {token} ")
    return every


def place_q(codes) -> Q:
    """Products whose origin is one of these divisions (a county, the city or the province above it)."""
    codes = list(codes)
    return Q(county__in=codes) | Q(city__in=codes) | Q(province__in=codes)


def _either(alternatives: list[Q]) -> Q:
    """An OR of differently indexed conditions. On PostgreSQL an OR of the GIN token match and a LIKE
    (or a column test) would make it rebuild the token array of every row; id sets, each found its own
    way, keep every index in use."""
    alternatives = [q for q in alternatives if q]
    if len(alternatives) <= 1 or connection.vendor != "postgresql":
        either = Q()
        for q in alternatives:
            either |= q
        return either
    documents = ProductDocument.objects.all()
    either = Q()
    for q in alternatives:
        either |= Q(pk__in=documents.filter(q).values("pk"))
    return either


def _term_q(term: understanding.Term, *, fuzzy: bool) -> Q:
    """One term: any of its texts (token by token), its pinyin by prefix, its place; homophones if fuzzy."""
    texts = Q()
    for alternative in term.alternatives:
        tokens = text.query_tokens(alternative)
        if tokens:
            texts |= every_token_q(tokens)
    others = []
    if term.pinyin_prefix:
        others.append(pinyin_q(term.pinyin_prefix))
    if term.place_codes:
        others.append(place_q(term.place_codes))
    if fuzzy and term.homophone_pinyin:
        others.append(pinyin_q(term.homophone_pinyin))
    return _either([texts, *others])


def _term_title_q(term: understanding.Term, *, indexed: bool = False) -> Q:
    """The term in the title. `indexed`: the form PostgreSQL finds through the title-token GIN index (to
    select rows, as autocomplete does); otherwise the form cheapest to test on rows already found."""
    in_title = Q()
    for alternative in term.alternatives:
        tokens = text.query_tokens(alternative)
        if tokens:
            in_title |= title_tokens_q(tokens) if indexed else _tokens_q("title_tokens", tokens)
    if term.pinyin_prefix:
        in_title |= pinyin_q(term.pinyin_prefix)
    return in_title


@dataclass
class Match:
    """A query as conditions on the index: `anywhere` selects the results (None: every product),
    `exact` and `in_title` rank them (title matches, then exact matches, then homophones)."""

    anywhere: Q | None
    exact: Q | None
    in_title: Q | None
    understood: understanding.Understood
    homophones: bool = False
    in_title_indexed: Q | None = None  # in_title in the form the GIN index answers (autocomplete)
    constraints: Q | None = None  # what the intent words require (certified, campaign, help-sell)

    @property
    def finds_nothing(self) -> bool:
        return self.anywhere is not None and not self.anywhere

    @property
    def has_homophones(self) -> bool:
        return any(term.homophone_pinyin for term in self.understood.terms)


def match(query: str, *, homophones: bool = False) -> Match:
    """The conditions for a query: every term (with its alternatives; with its homophones if asked), and
    the intents' constraints."""
    understood = understanding.understand(query)
    if not understood.query:
        return Match(anywhere=Q(), exact=None, in_title=None, understood=understood)  # nothing searchable
    words = list(understood.terms)
    anywhere = exact = in_title = in_title_indexed = None
    if words or understood.whole_pinyin:
        anywhere, exact, in_title, in_title_indexed = Q(), Q(), Q(), Q()
        # Homophones are asked for only after the query matched nothing as typed: a lone word's own texts
        # are then known to match nothing, so its homophones alone select the rows (one indexed LIKE
        # instead of two id sets).
        homophones_alone = homophones and len(words) == 1 and not understood.whole_pinyin
        for term in words:
            if homophones_alone and term.homophone_pinyin:
                anywhere &= pinyin_q(term.homophone_pinyin)
            else:
                anywhere &= _term_q(term, fuzzy=homophones)
            exact &= _term_q(term, fuzzy=False)
            # A place ranks its own products with the title matches: 安远 puts products from 安远县 first.
            in_title &= (
                _term_title_q(term) | place_q(term.place_codes) if term.is_place else _term_title_q(term)
            )
            in_title_indexed &= (
                _term_title_q(term, indexed=True) | place_q(term.place_codes)
                if term.is_place
                else _term_title_q(term, indexed=True)
            )
        if understood.whole_pinyin:
            by_pinyin = pinyin_q(understood.whole_pinyin)
            anywhere = _either([anywhere, by_pinyin]) if words else by_pinyin
            exact = _either([exact, by_pinyin]) if words else by_pinyin
            in_title = (in_title | by_pinyin) if in_title is not None else by_pinyin
            in_title_indexed = (in_title_indexed | by_pinyin) if in_title_indexed is not None else by_pinyin
    constraints = Q()
    if understood.certified:
        constraints &= certified_q()
    if understood.campaign_ids is not None:
        constraints &= Q(product_id__in=list(understood.campaign_ids))
    if understood.help_sell_only:
        constraints &= Q(help_sell=True)
    if constraints:
        anywhere = constraints if anywhere is None else (anywhere & constraints)
    return Match(
        anywhere=anywhere,
        exact=exact,
        in_title=in_title,
        understood=understood,
        homophones=homophones,
        in_title_indexed=in_title_indexed,
        constraints=constraints,
    )


def match_q(query: str) -> tuple[Q, Q]:
    """(matches anywhere, matches in the title): the conditions of :func:`match` as two Q objects."""
    found = match(query)
    return found.anywhere or Q(), found.in_title or Q()


class DatabaseBackend(SearchBackend):
    name = "database"

    def scoped(self, request: SearchRequest):
        queryset = ProductDocument.objects.available()
        if request.category_id is not None:
            queryset = queryset.filter(_in_categories([request.category_id]))
        return queryset

    def search(self, request: SearchRequest) -> SearchResults:
        found = match(request.query) if request.query else None
        results = self._search(request, found)
        if not results.total and found is not None and found.has_homophones:
            results = self._search(request, match(request.query, homophones=True))  # 脐撑 → 脐橙
        return results

    def _search(self, request: SearchRequest, found: Match | None) -> SearchResults:
        queryset = self.scoped(request)
        if found is not None:
            if found.finds_nothing:
                return SearchResults(ids=[], total=0, facets={}, backend=self.name)
            if found.anywhere is not None:
                queryset = queryset.filter(found.anywhere)
        filters = request.filters
        results = queryset.filter(filter_q(filters))
        if filters.categories:
            results = results.filter(_in_categories(filters.categories))
        ordered = self.order(results, filters.sort, found)
        ids = list(
            ordered.values_list("product_id", flat=True)[request.offset : request.offset + request.per_page]
        )
        if request.with_facets:
            facets, total = self.facets(queryset, filters)
        else:
            total = results.count()
        return SearchResults(
            ids=ids, total=total, facets=facets if request.with_facets else {}, backend=self.name
        )

    def suggest(self, query: str, *, limit: int) -> list[int]:
        """The first `limit` ids of a relevance search, without counting or sorting every match.

        Relevance order is: title (or pinyin, or the typed place's) matches, then other exact matches,
        then homophones; within each, help-sell first when asked for, then certified now, then
        `RANK_INDEX` order. So each slice is asked for alone, best first, until `limit` ids are found: a
        common prefix (`cha` matches a quarter of the catalogue) walks the rank index and stops after a
        few rows, a rare one is found through the GIN indexes."""
        found = match(query)
        ids = self._suggest(found, limit)
        if not ids and found.has_homophones:
            ids = self._suggest(
                match(query, homophones=True), limit
            )  # as search: homophones when nothing else
        return ids

    def _suggest(self, found: Match, limit: int) -> list[int]:
        if found.finds_nothing:
            return []
        # Each slice is a subset of the matches; only the intents' constraints apply to all of them
        # (filtering by all the matches first would make PostgreSQL collect every match of a common prefix).
        documents = ProductDocument.objects.available()
        if found.constraints:
            documents = documents.filter(found.constraints)
        levels = [(found.in_title_indexed, RANK_INDEX), (found.exact, _rank_without_index())]
        if found.homophones:
            levels.append((found.anywhere, _rank_without_index()))  # what only a homophone matched
        if found.in_title is None and found.exact is None:
            levels = [(Q(), RANK_INDEX)]
        help_sell = (True, False) if found.understood.boost_help_sell else (None,)
        ids: list[int] = []
        # Once a slice has fewer matches than are still wanted, all of them are in `ids`: what is left
        # of a later, wider slice are the products it adds.
        for matches, order in levels:
            if matches is None:
                continue
            for flagged in help_sell:
                for certified in (True, False):
                    if len(ids) >= limit:
                        return ids
                    now = certified_q() if certified else ~certified_q()
                    scope = documents.filter(matches, now)
                    if flagged is not None:
                        scope = scope.filter(help_sell=flagged)
                    found_ids = scope.exclude(product_id__in=ids).order_by(*order)
                    ids += found_ids.values_list("product_id", flat=True)[: limit - len(ids)]
        return ids

    def order(self, queryset, sort: str, found: Match | None):
        if sort == "relevance":
            if found is None:
                return queryset.order_by(*ORDERINGS["newest"])
            # Title matches, then exact matches elsewhere, then homophones; within each, help-sell
            # products first when the shopper asked for them (滞销, 助农), then certified and in stock.
            if found.in_title is not None or found.exact is not None:
                score = Case(
                    *([When(found.in_title, then=Value(3))] if found.in_title else []),
                    # Only a homophone search has matches that are not exact: otherwise every row is, and
                    # testing each row's token array again would only cost time.
                    *([When(found.exact, then=Value(2))] if found.exact and found.homophones else []),
                    default=Value(2 if not found.homophones else 1),
                    output_field=IntegerField(),
                )
            else:
                score = Value(1, output_field=IntegerField())
            ordering = list(RELEVANCE)
            if found.understood.boost_help_sell:
                ordering.insert(1, "-help_sell")
            return queryset.annotate(score=score, certified_now=_certified_now()).order_by(*ordering)
        return queryset.order_by(*ORDERINGS.get(sort, ORDERINGS["newest"]))

    def facets(self, matched, filters: CatalogueFilters) -> tuple[dict[str, dict], int]:
        """Facet counts, and the number of results (counted along with the facets that share its rows)."""

        def within(scope: CatalogueFilters):
            queryset = matched.filter(filter_q(scope))
            if scope.categories:
                queryset = queryset.filter(_in_categories(scope.categories))
            return queryset.order_by()

        def narrowed(group):
            return within(filters.without(group))

        facets = {}
        # Groups whose own filter is not set count the same rows: on PostgreSQL they are counted
        # together in one GROUPING SETS pass over those rows instead of one pass each.
        fields = {"province": "province", "city": "city", "county": "county", "seller": "seller_id"}
        shared: list[tuple[CatalogueFilters, list[str]]] = []
        for group in fields:
            scope = filters.without(group)
            for known, groups in shared:
                if known == scope:
                    groups.append(group)
                    break
            else:
                shared.append((scope, [group]))
        for scope, groups in shared:
            if len(groups) > 1 and connection.vendor == "postgresql":
                facets.update(_grouped_counts(within(scope), {group: fields[group] for group in groups}))
                continue
            for group in groups:
                field = fields[group]
                rows = (
                    within(scope).exclude(**{f"{field}__isnull": True}).values(field).annotate(n=Count("pk"))
                )
                facets[group] = {row[field]: row["n"] for row in rows if row[field] not in ("", None)}
        rows = (
            ProductDocumentCategory.objects.filter(document__in=narrowed("category").values("pk"))
            .values("category_id")
            .annotate(n=Count("document_id"))
        )
        facets["category"] = {row["category_id"]: row["n"] for row in rows}
        # The price buckets, the yes/no facets and the total are conditional counts: one aggregate per
        # distinct set of rows they count (usually one: a group whose own filter is not set counts the
        # results themselves), instead of one query each.
        scopes: list[tuple[CatalogueFilters, dict]] = []
        for name, scope, counter in self._counters(filters):
            for known, counters in scopes:
                if known == scope:
                    counters[name] = counter
                    break
            else:
                scopes.append((scope, {name: counter}))
        counts = {}
        for scope, counters in scopes:
            counts.update(within(scope).aggregate(**counters))
        facets["price"] = {key: counts[f"price_{index}"] for index, key in enumerate(PRICE_RANGES)}
        facets["price"] = {key: count for key, count in facets["price"].items() if count}
        for group in ("certified", "in_stock", "help_sell"):
            facets[group] = {True: counts[group]}
        return facets, counts["total"]

    @staticmethod
    def _counters(filters: CatalogueFilters):
        """(name, rows counted, count) for the total, each price bucket and each yes/no facet."""
        yield "total", filters, Count("pk")
        for index, key in enumerate(PRICE_RANGES):
            bucket = filter_q(CatalogueFilters(prices=[key]))
            yield f"price_{index}", filters.without("price"), Count("pk", filter=bucket)
        for group, condition in (
            ("certified", certified_q()),
            ("in_stock", Q(in_stock=True)),
            ("help_sell", Q(help_sell=True)),
        ):
            yield group, filters.without(group), Count("pk", filter=condition)

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

    def index(self, docs, *, deleted_ids=()) -> list[int]:
        """Bring the rows of these documents up to date (and drop rows of deleted products), in one
        transaction; returns the ids of the rows written. Rows that would not change are not rewritten: every rewrite adds entries to all
        nine indexes (three of them GIN, one entry per token), which made up most of a rebuild."""
        ids = [doc.id for doc in docs]
        compared = [f.attname for f in ProductDocument._meta.concrete_fields if f.name != "indexed_at"]
        with transaction.atomic():
            if deleted_ids:
                ProductDocument.objects.filter(product_id__in=list(deleted_ids)).delete()
            stored = {
                values[0]: values
                for values in ProductDocument.objects.filter(product_id__in=ids).values_list(*compared)
            }
            rows = [_row(doc) for doc in docs]
            changed = [
                row
                for row in rows
                if stored.get(row.product_id) != tuple(getattr(row, name) for name in compared)
            ]
            # An upsert rather than delete + insert: two transactions re-indexing the same product
            # (two orders of it placed at once) must not collide on the primary key.
            ProductDocument.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=[ProductDocument._meta.pk.name],
                update_fields=[f.name for f in ProductDocument._meta.concrete_fields if not f.primary_key],
            )
            wanted = {(doc.id, category_id) for doc in docs for category_id in doc.category_ids}
            links = {
                (document_id, category_id): pk
                for pk, document_id, category_id in ProductDocumentCategory.objects.filter(
                    document_id__in=ids
                ).values_list("pk", "document_id", "category_id")
            }
            gone = [pk for link, pk in links.items() if link not in wanted]
            if gone:
                ProductDocumentCategory.objects.filter(pk__in=gone).delete()
            ProductDocumentCategory.objects.bulk_create(
                [
                    ProductDocumentCategory(document_id=document_id, category_id=category_id)
                    for document_id, category_id in sorted(wanted - links.keys())
                ],
                ignore_conflicts=True,
            )
        return [row.product_id for row in changed]


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


def _grouped_counts(rows, fields: dict[str, str]) -> dict[str, dict]:
    """{group: {value: count}} for each (group → column) over `rows`, in one GROUPING SETS query."""
    group_of = {column: group for group, column in fields.items()}
    counts = {group: {} for group in fields}
    for column, value, (n,) in grouping_sets(
        rows.values("pk", *fields.values()), list(fields.values()), ["COUNT(*)"]
    ):
        if value not in ("", None):
            counts[group_of[column]][value] = n
    return counts
