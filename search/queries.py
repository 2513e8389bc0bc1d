"""Elasticsearch query builders: plain functions returning elasticsearch.dsl objects, testable as
dictionaries without a cluster (`build_search(...).to_dict()`).

User text only ever reaches `multi_match` (analysed, no syntax) and `prefix` on a keyword field, never
`query_string`; it is normalised by search.text first, which drops syntax characters anyway.
"""

import datetime

from elasticsearch.dsl import Q, Search
from elasticsearch.dsl.query import Query

from search import text, understanding
from search.backends.base import SearchRequest
from search.filters import FACET_GROUPS, PRICE_RANGES, CatalogueFilters
from shop.core import dates

TITLE_BOOST = 3
FACET_SIZE = 200

SORTS = {
    # At equal relevance, certified and in-stock products come first.
    "relevance": [
        "_score",
        {"certified": "desc"},
        {"in_stock": "desc"},
        {"num_sold": "desc"},
        {"date_created": "desc"},
        {"id": "desc"},
    ],
    "newest": [{"date_created": "desc"}, {"id": "desc"}],
    "price_asc": [{"price": {"order": "asc", "missing": "_last"}}, {"date_created": "desc"}, {"id": "desc"}],
    "price_desc": [
        {"price": {"order": "desc", "missing": "_last"}},
        {"date_created": "desc"},
        {"id": "desc"},
    ],
    "best_selling": [{"num_sold": "desc"}, {"date_created": "desc"}, {"id": "desc"}],
    "title": [{"title.raw": "asc"}, {"id": "asc"}],
}


HOMOPHONE_BOOST = 0.5  # a homophone (脐撑 → qicheng) ranks below any exact match
PLACE_BOOST = 5  # products of the place typed rank with title matches
HELP_SELL_BOOST = (
    0.2  # 滞销/助农 with other words: help-sell products a little higher, never above a title match
)


def _term_query(term: understanding.Term, *, homophones: bool = False) -> Query | None:
    should = [
        Q(
            "multi_match",
            query=alternative,
            fields=[f"title^{TITLE_BOOST}", "body"],
            type="cross_fields",
            operator="and",
        )
        for alternative in term.alternatives
        if text.query_tokens(alternative)
    ]
    if term.pinyin_prefix:
        should.append(Q("prefix", pinyin={"value": term.pinyin_prefix, "boost": TITLE_BOOST}))
    if term.place_codes:
        codes = list(term.place_codes)
        origin = Q("terms", county=codes) | Q("terms", city=codes) | Q("terms", province=codes)
        should.append(Q("constant_score", filter=origin, boost=PLACE_BOOST))
    if homophones and term.homophone_pinyin:
        should.append(Q("prefix", pinyin={"value": term.homophone_pinyin, "boost": HOMOPHONE_BOOST}))
    if not should:
        return None
    return Q("bool", should=should, minimum_should_match=1)


def understood_query(
    understood: understanding.Understood, *, today: datetime.date, homophones: bool = False
) -> Query:
    """Every term must match (each by any of its alternatives); intents add filters and boosts."""
    must = [
        clause
        for clause in (_term_query(term, homophones=homophones) for term in understood.terms)
        if clause is not None
    ]
    words = Q("bool", must=must) if must else None
    if understood.whole_pinyin:
        by_pinyin = Q("prefix", pinyin={"value": understood.whole_pinyin, "boost": TITLE_BOOST})
        words = Q("bool", should=[words, by_pinyin], minimum_should_match=1) if words else by_pinyin
    filters = []
    if understood.certified:
        filters.append(certified_filter(today))
    if understood.campaign_ids is not None:
        filters.append(Q("terms", id=list(understood.campaign_ids)))
    if understood.help_sell_only:
        filters.append(Q("term", help_sell=True))
    should = []
    if understood.boost_help_sell:
        should.append(Q("constant_score", filter=Q("term", help_sell=True), boost=HELP_SELL_BOOST))
    if words is None and not filters:
        return Q("match_all")
    return Q("bool", must=[words] if words else [], filter=filters, should=should)


def text_query(query: str, *, today: datetime.date | None = None, homophones: bool = False) -> Query | None:
    """The query understood (search.understanding) as an Elasticsearch query; None when it finds nothing."""
    understood = understanding.understand(query)
    if not understood.query or (
        understood.terms == () and understood.matches_everything and not understood.intents
    ):
        return None
    return understood_query(understood, today=today or dates.today(), homophones=homophones)


def certified_filter(today: datetime.date) -> Query:
    """Certified in the index and not yet past the certificate's expiry (so expiry needs no re-index)."""
    return Q("term", certified=True) & Q("range", certified_until={"gte": today.isoformat()})


def filter_clauses(filters: CatalogueFilters, *, today: datetime.date) -> list[Query]:
    clauses = []
    for values, field in (
        (filters.provinces, "province"),
        (filters.cities, "city"),
        (filters.counties, "county"),
        (filters.categories, "category_ids"),
        (filters.sellers, "seller_id"),
    ):
        if values:
            clauses.append(Q("terms", **{field: list(values)}))
    if filters.prices:
        ranges = []
        for key in filters.prices:
            low, high = PRICE_RANGES[key]
            bounds = {}
            if low is not None:
                bounds["gte"] = low
            if high is not None:
                bounds["lt"] = high
            ranges.append(Q("range", price=bounds))
        clauses.append(Q("bool", should=ranges, minimum_should_match=1))
    if filters.certified_only:
        clauses.append(certified_filter(today))
    if filters.in_stock_only:
        clauses.append(Q("term", in_stock=True))
    if filters.help_sell_only:
        clauses.append(Q("term", help_sell=True))
    return clauses


def _all_of(clauses: list[Query]) -> Query:
    return Q("bool", filter=clauses) if clauses else Q("match_all")


def build_search(
    request: SearchRequest, *, index: str, today: datetime.date, homophones: bool = False
) -> Search:
    """The product search: query and scope in `query`, selected filters in `post_filter` so that each
    facet's aggregation can apply every filter but its own (multi-select facets)."""
    search = Search(index=index).filter("term", available=True)
    if request.category_id is not None:
        search = search.filter("term", category_ids=request.category_id)
    if request.query:
        matched = text_query(request.query, today=today, homophones=homophones)
        search = search.query(matched) if matched else search.query(Q("match_none"))
    filters = request.filters
    clauses = filter_clauses(filters, today=today)
    if clauses:
        search = search.post_filter(_all_of(clauses))
    if request.with_facets:
        add_facets(search, filters, today=today)
    sort = filters.sort if filters.sort in SORTS else "newest"
    if sort == "relevance" and not request.query:
        sort = "newest"
    search = search.sort(*SORTS[sort]).source(False).extra(track_total_hits=True)
    return search[request.offset : request.offset + request.per_page]


def add_facets(search: Search, filters: CatalogueFilters, *, today: datetime.date) -> None:
    for group in FACET_GROUPS:
        others = _all_of(filter_clauses(filters.without(group), today=today))
        bucket = search.aggs.bucket(group, "filter", filter=others)
        if group in ("province", "city", "county"):
            bucket.bucket("values", "terms", field=group, size=FACET_SIZE)
        elif group == "category":
            bucket.bucket("values", "terms", field="category_ids", size=FACET_SIZE)
        elif group == "seller":
            bucket.bucket("values", "terms", field="seller_id", size=FACET_SIZE)
        elif group == "price":
            ranges = []
            for key, (low, high) in PRICE_RANGES.items():
                bounds = {"key": key}
                if low is not None:
                    bounds["from"] = low
                if high is not None:
                    bounds["to"] = high
                ranges.append(bounds)
            bucket.bucket("values", "range", field="price", ranges=ranges)
        else:
            condition = certified_filter(today) if group == "certified" else Q("term", **{group: True})
            bucket.bucket("values", "filter", filter=condition)


def parse_facets(aggregations: dict) -> dict[str, dict]:
    """Aggregation results (the raw response dict) → the backend-neutral {group: {value: count}}."""
    facets = {}
    for group, body in aggregations.items():
        values = body["values"]
        if "buckets" in values:
            buckets = values["buckets"]
            if isinstance(buckets, dict):
                buckets = [{"key": key, **bucket} for key, bucket in buckets.items()]
            counts = {}
            for bucket in buckets:
                if not bucket["doc_count"]:
                    continue
                key = bucket["key"]
                if group in ("category", "seller"):
                    key = int(key)
                counts[key] = bucket["doc_count"]
            facets[group] = counts
        else:
            facets[group] = {True: values["doc_count"]}
    return facets


def build_closest(query: str, *, index: str) -> Search:
    """Any-token match on titles, best first: the did-you-mean candidate."""
    should = [
        Q("match", title={"query": variant, "operator": "or"})
        for variant in text.query_variants(query)
        if text.query_tokens(variant)
    ]
    search = Search(index=index).filter("term", available=True)
    if should:
        search = search.query(Q("bool", should=should, minimum_should_match=1))
    else:
        search = search.query(Q("match_none"))
    return search.source(["title"])[:1]
