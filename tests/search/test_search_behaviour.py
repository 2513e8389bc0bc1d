"""What shoppers get from search, the same on both backends (the `search_backend` fixture runs each
test on the database and on Elasticsearch)."""

import datetime

import pytest
from django.db import transaction

from search import engine, indexing
from search.backends.base import SearchRequest
from search.filters import CatalogueFilters
from shop.core.dates import today
from shop.sellers.models import HelpSellFlag
from tests import factories
from tests.search.factories import build_catalogue, sell, shorten_certificates


@pytest.fixture
def catalogue(search_backend):
    return build_catalogue()


def search(query="", **filters):
    filters.setdefault("sort", "relevance" if query else "newest")
    request = SearchRequest(query=query, filters=CatalogueFilters(**filters), per_page=50)
    return engine.backend().search(request)


def titles(results):
    names = dict(factories.Product.objects.filter(id__in=results.ids).values_list("id", "title"))
    return [names[pk] for pk in results.ids]


# Chinese matching --------------------------------------------------------------------------------


def test_two_character_query_finds_product_by_title_before_description(catalogue):
    results = search("脐橙")

    assert results.ids == [catalogue.navel.id, catalogue.navel_gift.id]


def test_full_name_query_matches_by_bigrams(catalogue):
    assert search("赣南脐橙").ids == [catalogue.navel.id]


def test_place_name_query_finds_title_matches_first_then_products_from_that_place(catalogue):
    results = search("普洱")

    assert results.ids[0] == catalogue.puer.id  # 普洱茶 in the title
    assert set(results.ids) == {catalogue.puer.id, catalogue.green_tea.id, catalogue.aid_rice.id}  # 普洱市


def test_one_character_query_finds_every_product_containing_it(catalogue):
    assert set(search("茶").ids) == {catalogue.puer.id, catalogue.green_tea.id}


def test_unrelated_characters_do_not_match_across_words(catalogue):
    # 南脐 is a bigram of 赣南脐橙 but 橙南 is not: order matters, as for the shopper.
    assert search("橙南").ids == []


def test_full_width_and_upper_case_fold_to_the_same_words(catalogue):
    assert search("abc").ids == [catalogue.rice.id]
    assert search("ＡＢＣ").ids == [catalogue.rice.id]
    assert search("Abc 大米").ids == [catalogue.rice.id]


def test_official_term_synonyms_find_products_named_with_the_other_term(catalogue):
    assert search("扶贫香米").ids == [catalogue.aid_rice.id]


def test_product_synonyms_find_the_other_name(catalogue):
    assert search("土豆").ids == [catalogue.potato.id]


def test_synonyms_file_can_be_extended_by_editors(catalogue, settings, tmp_path):
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("# ours\n绿茶, 青茶\n", encoding="utf-8")
    settings.SEARCH_SYNONYMS_FILE = str(synonyms)

    assert search("青茶").ids == [catalogue.green_tea.id]


@pytest.mark.parametrize("query", ["qicheng", "QiCheng", "qc", "gannanqicheng", "gnqc"])
def test_pinyin_and_initials_find_chinese_titles(catalogue, query):
    assert catalogue.navel.id in search(query).ids


def test_pinyin_does_not_match_from_the_middle_of_a_syllable(catalogue):
    assert search("icheng").ids == []


def test_query_with_no_searchable_text_matches_nothing_but_does_not_fail(catalogue):
    assert search("😀😀").ids == []


# Visibility --------------------------------------------------------------------------------------


def test_unavailable_products_are_never_returned(catalogue):
    every_id = set(search().ids)

    assert catalogue.hidden.id not in every_id
    assert catalogue.no_price.id not in every_id
    assert catalogue.hidden.id not in search("下架").ids
    assert search("预售").ids == []


def test_product_taken_off_sale_disappears_from_results(catalogue):
    catalogue.navel.is_public = False
    catalogue.navel.save()

    assert catalogue.navel.id not in search("脐橙").ids


def test_deleted_product_disappears_from_results(catalogue):
    navel_id = catalogue.navel.id
    catalogue.navel.delete()

    assert navel_id not in search("脐橙").ids


# Relevance ---------------------------------------------------------------------------------------


def test_certified_then_in_stock_products_come_first_at_equal_relevance(search_backend):
    plain = factories.ProductFactory(title="红薯粉条")
    out_of_stock = factories.ProductFactory(title="红薯粉条", certified=True, num_in_stock=0)
    certified = factories.ProductFactory(title="红薯粉条", certified=True)

    assert search("红薯粉条").ids == [certified.id, out_of_stock.id, plain.id]


# Facets ------------------------------------------------------------------------------------------


def test_facet_counts_cover_every_group(catalogue):
    facets = search().facets

    assert facets["province"] == {"360000": 4, "530000": 3}
    assert facets["city"] == {"360700": 4, "530800": 3}
    assert facets["county"] == {"360726": 4, "530821": 3}
    assert facets["category"] == {catalogue.fruit.id: 2, catalogue.citrus.id: 1, catalogue.tea.id: 2}
    assert facets["seller"] == {catalogue.anyuan_seller.id: 4, catalogue.puer_seller.id: 3}
    assert facets["price"] == {"0-20": 1, "20-50": 2, "50-100": 2, "100-200": 1, "200-": 1}
    assert facets["certified"] == {True: 2}
    assert facets["in_stock"] == {True: 6}


def test_facet_counts_respect_the_other_filters_but_not_their_own(catalogue):
    results = search(provinces=["530000"], certified_only=True)

    assert results.ids == [catalogue.puer.id]
    # Province counts ignore the province filter (so the shopper can add another) but apply certified.
    assert results.facets["province"] == {"360000": 1, "530000": 1}
    # The certified count ignores the certified filter but applies the province.
    assert results.facets["certified"] == {True: 1}
    assert results.facets["in_stock"] == {True: 1}
    assert results.facets["category"] == {catalogue.tea.id: 1}


def test_facet_counts_follow_the_query(catalogue):
    results = search("茶", in_stock_only=True)

    assert results.ids == [catalogue.puer.id]
    assert results.facets["in_stock"] == {True: 1}
    assert results.facets["province"] == {"530000": 1}
    assert results.facets["price"] == {"100-200": 1}


def test_multi_select_within_a_facet_means_any_of(catalogue):
    both = search(prices=["0-20", "100-200"])

    assert set(both.ids) == {catalogue.green_tea.id, catalogue.puer.id}
    assert both.facets["price"]["20-50"] == 2  # other ranges still counted for adding


def test_category_filter_includes_subcategories(catalogue):
    assert set(search(categories=[catalogue.fruit.id]).ids) == {catalogue.navel.id, catalogue.navel_gift.id}


def test_county_city_and_seller_filters(catalogue):
    assert set(search(counties=["530821"]).ids) == {
        catalogue.puer.id,
        catalogue.green_tea.id,
        catalogue.aid_rice.id,
    }
    assert len(search(cities=["360700"]).ids) == 4
    assert set(search(sellers=[catalogue.puer_seller.id], in_stock_only=True).ids) == {
        catalogue.puer.id,
        catalogue.aid_rice.id,
    }


def test_category_page_scope_restricts_results_and_facets(catalogue):
    request = SearchRequest(filters=CatalogueFilters(), category_id=catalogue.tea.id, per_page=50)
    results = engine.backend().search(request)

    assert set(results.ids) == {catalogue.puer.id, catalogue.green_tea.id}
    assert results.facets["province"] == {"530000": 2}


def test_help_sell_facet_counts_products_flagged_by_sellers(catalogue):
    HelpSellFlag.objects.create(
        product=catalogue.potato,
        quantity=500,
        reason="harvest_glut",
        until=today() + datetime.timedelta(days=10),
    )
    indexing.index_products([catalogue.potato.id, catalogue.navel.id])

    results = search(help_sell_only=True)

    assert results.ids == [catalogue.potato.id]
    assert search().facets["help_sell"] == {True: 1}


# Keeping the index right -------------------------------------------------------------------------


def test_expired_certificate_changes_the_certified_facet(catalogue):
    assert catalogue.navel.id in search(certified_only=True).ids

    certificate = catalogue.navel.certificates.get()
    certificate.status = certificate.Status.EXPIRED
    certificate.save()

    assert catalogue.navel.id not in search(certified_only=True).ids
    assert search().facets["certified"] == {True: 1}


def test_certificate_lapsing_with_time_leaves_the_certified_facet_without_reindexing(catalogue, monkeypatch):
    shorten_certificates(catalogue.navel, days_left=10)
    later = today() + datetime.timedelta(days=11)
    monkeypatch.setattr("shop.core.dates.today", lambda: later)  # time passes; nothing is saved

    assert search(certified_only=True).ids == [catalogue.puer.id]
    assert search().facets["certified"] == {True: 1}


def test_new_certificate_reaches_the_index(catalogue):
    factories.CertificateFactory(product=catalogue.potato)

    assert catalogue.potato.id in search(certified_only=True).ids


def test_price_and_stock_changes_reach_the_index(catalogue):
    record = catalogue.green_tea.stockrecords.get()
    record.price = 300
    record.num_in_stock = 5
    record.save()

    assert catalogue.green_tea.id in search(prices=["200-"], in_stock_only=True).ids


def test_category_and_seller_renames_reach_the_index(catalogue):
    catalogue.tea.name = "名优茗品"
    catalogue.tea.save()
    catalogue.anyuan_seller.name = "赣州果业公司"
    catalogue.anyuan_seller.save()

    assert set(search("茗品").ids) == {catalogue.puer.id, catalogue.green_tea.id}
    assert catalogue.potato.id in search("果业").ids


def test_changes_reach_the_index_only_after_commit(
    search_backend, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_INDEX_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            product = factories.ProductFactory(title="秦岭土蜂蜜")
            factories.CertificateFactory(product=product)
            assert search("蜂蜜").ids == []  # not yet committed: not indexed

    assert [c.__name__ for c in callbacks].count("_flush") == 1  # one search batch for the transaction
    assert search("蜂蜜", certified_only=True).ids == [product.id]


# Sorting -----------------------------------------------------------------------------------------


def test_sort_by_price(catalogue):
    ascending = search(sort="price_asc").ids
    descending = search(sort="price_desc").ids

    assert ascending[0] == catalogue.green_tea.id
    assert ascending[-1] == catalogue.aid_rice.id
    assert descending == list(reversed(ascending))


def test_sort_by_newest(catalogue):
    assert search(sort="newest").ids[0] == catalogue.aid_rice.id


def test_sort_by_best_selling_counts_paid_orders(catalogue):
    sell(catalogue.potato, 7)
    sell(catalogue.puer, 3)

    assert search(sort="best_selling").ids[:2] == [catalogue.potato.id, catalogue.puer.id]


# Search-box suggestions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["脐橙", "安远", "普洱", "茶", "大米", "qc", "ning", "帮扶", "ＡＢＣ", "橙南"]
)
def test_product_suggestions_are_the_first_results_of_a_relevance_search(catalogue, query):
    # The database backend finds them its own faster way (title and pinyin matches first, the rest
    # only when those are too few); the order must still be the search's.
    ranked = search(query).ids

    for limit in (1, 2, 6):
        assert engine.backend().suggest(query, limit=limit) == ranked[:limit]


# Did you mean ------------------------------------------------------------------------------------


def test_closest_title_suggests_a_product_when_nothing_matches(catalogue):
    assert search("脐橙苹果").ids == []

    assert "脐橙" in engine.backend().closest_title("脐橙苹果")


def test_closest_title_is_none_when_nothing_is_close(catalogue):
    assert engine.backend().closest_title("火龙果") is None


def test_certified_until_is_kept_for_time_based_expiry(catalogue):
    document = catalogue.navel.search_document

    assert document.certified_until >= today() + datetime.timedelta(days=300)
