"""Elasticsearch request bodies, checked as dictionaries without a cluster (the query is read with the
place names of the regions table, hence the database)."""

import datetime

import pytest

from search import queries
from search.backends.base import SearchRequest
from search.filters import CatalogueFilters

DAY = datetime.date(2026, 11, 29)

pytestmark = pytest.mark.django_db


def body(query="", **options):
    filters = CatalogueFilters(**options.pop("filters", {}))
    request = SearchRequest(query=query, filters=filters, **options)
    return queries.build_search(request, index="shop-products", today=DAY).to_dict()


def test_text_query_matches_every_term_in_title_or_body_with_title_weighted():
    query = body("赣南脐橙", filters={"sort": "relevance"})["query"]["bool"]

    assert query["filter"] == [{"term": {"available": True}}]
    (term,) = query["must"][0]["bool"]["must"]
    alternatives = term["bool"]["should"]
    assert term["bool"]["minimum_should_match"] == 1
    assert alternatives[0] == {
        "multi_match": {
            "query": "赣南脐橙",
            "fields": ["title^3", "body"],
            "type": "cross_fields",
            "operator": "and",
        }
    }
    # 脐橙 has the synonym 橙子 in search/synonyms.txt: the rewritten query is an alternative.
    assert alternatives[1]["multi_match"]["query"] == "赣南橙子"
    # Homophones (same pinyin) are asked for only when nothing matched as typed, as a weaker alternative.
    assert "prefix" not in str(alternatives)
    (term,) = queries.text_query("赣南脐橙", homophones=True).to_dict()["bool"]["must"][0]["bool"]["must"]
    assert term["bool"]["should"][-1] == {"prefix": {"pinyin": {"value": "gannanqicheng", "boost": 0.5}}}


def test_synonym_variants_and_pinyin_are_alternatives():
    (term,) = queries.text_query("土豆").to_dict()["bool"]["must"][0]["bool"]["must"]
    assert [c["multi_match"]["query"] for c in term["bool"]["should"] if "multi_match" in c] == [
        "土豆",
        "马铃薯",
        "洋芋",
    ]

    (term,) = queries.text_query("QiCheng").to_dict()["bool"]["must"][0]["bool"]["must"]
    assert term["bool"]["should"][-1] == {"prefix": {"pinyin": {"value": "qicheng", "boost": 3}}}


def test_intent_words_become_filters_not_text():
    certified = queries.text_query("认证 蜂蜜", today=DAY).to_dict()["bool"]
    assert certified["filter"][0]["bool"]["must"][0] == {"term": {"certified": True}}
    assert "认证" not in str(certified["must"])

    assert queries.text_query("扶贫", today=DAY).to_dict() == {"match_all": {}}  # everything is aid


def test_syntax_characters_never_reach_a_query_string():
    hostile = 'title:(脐橙 OR "x") AND * \\ / ~1 ^2 {} []'
    generated = str(body(hostile, filters={"sort": "relevance"}))

    assert "query_string" not in generated
    assert "simple_query_string" not in generated
    texts = [
        clause["multi_match"]["query"]
        for term in queries.text_query(hostile).to_dict()["bool"]["must"][0]["bool"]["must"]
        for clause in term["bool"]["should"]
        if "multi_match" in clause
    ]
    assert texts
    for character in ':()"*\\/~^{}[]':
        assert all(character not in text for text in texts)


def test_query_of_only_symbols_matches_nothing():
    assert body("😀 !!", filters={"sort": "relevance"})["query"]["bool"]["must"] == [{"match_none": {}}]


def test_selected_filters_go_to_post_filter_and_each_facet_ignores_its_own():
    generated = body(filters={"provinces": ["530000"], "certified_only": True, "prices": ["0-20", "200-"]})

    post_filter = generated["post_filter"]["bool"]["filter"]
    assert {"terms": {"province": ["530000"]}} in post_filter
    assert {
        "bool": {
            "should": [{"range": {"price": {"lt": 20}}}, {"range": {"price": {"gte": 200}}}],
            "minimum_should_match": 1,
        }
    } in post_filter
    province_agg = generated["aggs"]["province"]["filter"]["bool"]["filter"]
    assert {"terms": {"province": ["530000"]}} not in province_agg
    assert {"term": {"certified": True}} in province_agg[-1]["bool"]["must"]
    certified_agg = generated["aggs"]["certified"]["filter"]["bool"]["filter"]
    assert certified_agg == [{"terms": {"province": ["530000"]}}, post_filter[1]]
    assert generated["aggs"]["certified"]["aggs"]["values"]["filter"]["bool"]["must"] == [
        {"term": {"certified": True}},
        {"range": {"certified_until": {"gte": "2026-11-29"}}},
    ]


def test_facets_without_filters_aggregate_over_everything():
    generated = body()

    assert generated["aggs"]["category"] == {
        "filter": {"match_all": {}},
        "aggs": {"values": {"terms": {"field": "category_ids", "size": 200}}},
    }
    assert generated["aggs"]["price"]["aggs"]["values"]["range"]["ranges"][0] == {"key": "0-20", "to": 20}


def test_category_page_scopes_the_query_not_the_post_filter():
    generated = body(category_id=7)

    assert {"term": {"category_ids": 7}} in generated["query"]["bool"]["filter"]
    assert "post_filter" not in generated


def test_sorting_and_paging():
    assert body(filters={"sort": "price_asc"}, page=3, per_page=24)["sort"][0] == {
        "price": {"order": "asc", "missing": "_last"}
    }
    assert body(filters={"sort": "price_asc"}, page=3, per_page=24)["from"] == 48
    assert body("茶", filters={"sort": "relevance"})["sort"][:3] == [
        "_score",
        {"certified": "desc"},
        {"in_stock": "desc"},
    ]
    # Relevance without a query means newest.
    assert body(filters={"sort": "relevance"})["sort"][0] == {"date_created": "desc"}
    assert body(filters={"sort": "best_selling"})["sort"][0] == {"num_sold": "desc"}


def test_only_ids_are_fetched_and_totals_are_exact():
    generated = body()

    assert generated["_source"] is False
    assert generated["track_total_hits"] is True


def test_parse_facets_turns_aggregations_into_counts():
    parsed = queries.parse_facets(
        {
            "province": {"doc_count": 3, "values": {"buckets": [{"key": "530000", "doc_count": 3}]}},
            "seller": {"doc_count": 3, "values": {"buckets": [{"key": 4, "doc_count": 2}]}},
            "price": {
                "doc_count": 3,
                "values": {"buckets": [{"key": "0-20", "doc_count": 0}, {"key": "20-50", "doc_count": 3}]},
            },
            "certified": {"doc_count": 3, "values": {"doc_count": 1}},
        }
    )

    assert parsed == {
        "province": {"530000": 3},
        "seller": {4: 2},
        "price": {"20-50": 3},
        "certified": {True: 1},
    }
