"""Search that understands shoppers: homophone typos, intent words, origin names and English, the same on
both backends (the `search_backend` fixture runs each behaviour test on the database and on Elasticsearch)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from search import engine, indexing, understanding
from search.backends.base import SearchRequest
from search.filters import CatalogueFilters
from shop.core.dates import today
from shop.sellers.models import HelpSellFlag
from tests import factories
from tests.search.factories import build_catalogue


@pytest.fixture
def catalogue(search_backend):
    understanding.forget_places()
    shop = build_catalogue()
    with indexing.batch():
        anyuan = shop.navel.origin_county
        shop.mushroom = factories.ProductFactory(
            title="农家香菇 500克", origin_county=anyuan, partner=shop.anyuan_seller, price=Decimal("30.00")
        )
        shop.brand = factories.ProductFactory(
            title="香姑牌 红枣 1公斤",
            origin_county=anyuan,
            partner=shop.anyuan_seller,
            price=Decimal("20.00"),
        )
        shop.kiwi = factories.ProductFactory(
            title="十八洞猕猴桃 24枚",
            title_en="Shibadong kiwifruit, 24 pcs",
            origin_county=anyuan,
            partner=shop.anyuan_seller,
            price=Decimal("88.00"),
        )
    yield shop
    understanding.forget_places()


def search(query, **filters):
    filters.setdefault("sort", "relevance")
    return engine.backend().search(
        SearchRequest(query=query, filters=CatalogueFilters(**filters), per_page=50)
    )


def flag_help_sell(product):
    HelpSellFlag.objects.create(
        product=product,
        quantity=500,
        reason=HelpSellFlag.Reason.HARVEST_GLUT,
        until=today() + datetime.timedelta(days=30),
    )
    indexing.index_products([product.id])


# Homophone typos ---------------------------------------------------------------------------------


def test_homophone_typo_finds_the_product_that_sounds_the_same(catalogue):
    assert search("脐撑").ids == [catalogue.navel.id]  # 脐撑 and 脐橙 are both qí chéng


def test_an_exact_match_is_shown_rather_than_homophones(catalogue):
    # 香姑 (a brand) matches as typed; 香菇 (xiāng gū) is a homophone, searched only when nothing matches.
    assert search("香姑").ids == [catalogue.brand.id]
    # 香箍 matches nothing as typed: both sound xiāng gū.
    assert set(search("香箍").ids) == {catalogue.mushroom.id, catalogue.brand.id}


def test_suggestions_follow_the_homophone_search(catalogue):
    assert engine.backend().suggest("脐撑", limit=5) == search("脐撑").ids[:5] == [catalogue.navel.id]


def test_a_single_character_is_not_read_as_a_homophone(catalogue):
    assert catalogue.navel.id not in search("骑").ids  # qí alone would match far too much


# Intent words ------------------------------------------------------------------------------------


def test_certified_intent_keeps_only_certified_products(catalogue):
    ids = search("认证").ids

    assert set(ids) == {catalogue.navel.id, catalogue.puer.id}


def test_certified_intent_with_a_product_word(catalogue):
    assert search("认证 普洱").ids == [catalogue.puer.id]
    assert search("认证脐橙").ids == [catalogue.navel.id]


def test_aid_words_narrow_nothing(catalogue):
    every = set(search("", sort="newest").ids)

    assert set(search("扶贫").ids) == every
    assert search("消费帮扶 脐橙").ids == search("脐橙").ids


def test_help_sell_intent_alone_shows_only_help_sell_products(catalogue):
    flag_help_sell(catalogue.potato)

    assert search("滞销").ids == [catalogue.potato.id]
    assert search("助农").ids == [catalogue.potato.id]


def test_help_sell_is_boosted_but_never_above_an_exact_title_match(catalogue):
    # 精选水果礼盒 mentions 脐橙 only in its description; once flagged, it still ranks below the title match.
    flag_help_sell(catalogue.navel_gift)

    assert search("助农 脐橙").ids == [catalogue.navel.id, catalogue.navel_gift.id]


def test_canteen_words_find_products_packed_for_canteens(catalogue):
    canteen = factories.ProductFactory(
        title="瑞金富硒大米 单位食堂 25公斤",
        origin_county=catalogue.navel.origin_county,
        partner=catalogue.anyuan_seller,
        price=Decimal("199.00"),
    )
    indexing.index_products([canteen.id])

    assert search("食堂").ids == [canteen.id]
    assert search("单位采购").ids == [canteen.id]


# Origin names ------------------------------------------------------------------------------------


def test_county_name_finds_products_of_that_origin(catalogue):
    ids = set(search("安远").ids)

    # every product from 安远县, though only some say 安远 in their text (the seller's name does)
    assert {catalogue.navel.id, catalogue.potato.id, catalogue.rice.id, catalogue.mushroom.id} <= ids
    assert catalogue.puer.id not in ids


def test_county_name_in_pinyin_finds_products_of_that_origin(catalogue):
    ids = set(search("anyuan").ids)

    assert catalogue.navel.id in ids and catalogue.potato.id in ids
    assert catalogue.puer.id not in ids


def test_origin_without_the_name_in_any_text(catalogue):
    # A county whose name appears in no title, description or seller name: only the origin says it.
    county = factories.CountyFactory(
        code="361023", name="南丰县", parent=catalogue.navel.origin_county.parent
    )
    tangerine = factories.ProductFactory(
        title="蜜桔 10斤", origin_county=county, partner=catalogue.anyuan_seller, price=Decimal("45.00")
    )
    indexing.index_products([tangerine.id])
    understanding.forget_places()

    assert search("南丰").ids == [tangerine.id]
    assert search("nanfeng").ids == [tangerine.id]
    assert search("南丰 蜜桔").ids == [tangerine.id]


def test_province_name_finds_its_products(catalogue):
    ids = set(search("云南").ids)

    assert ids == {catalogue.puer.id, catalogue.green_tea.id, catalogue.aid_rice.id}


# English -----------------------------------------------------------------------------------------


def test_english_produce_words_find_chinese_products(catalogue):
    assert search("orange").ids[0] == catalogue.navel.id
    assert search("kiwi").ids == [catalogue.kiwi.id]
    assert catalogue.puer.id in search("tea").ids


def test_english_title_is_searched(catalogue):
    assert search("Shibadong").ids == [catalogue.kiwi.id]
    assert search("kiwifruit 24").ids == [catalogue.kiwi.id]


# Pages -------------------------------------------------------------------------------------------


def test_search_page_says_which_word_a_homophone_found(client, catalogue):
    response = client.get(reverse("search:search"), {"q": "脐撑"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "您是不是要找" in page and "脐橙" in page
    assert catalogue.navel.get_absolute_url() in page


def test_zero_result_page_says_what_was_searched_and_shows_no_products_as_results(client, catalogue):
    response = client.get(reverse("search:search"), {"q": "火龙果"})

    page = response.content.decode()
    assert "火龙果" in page
    assert "search-empty" in page
    listing = page.split('class="row list-unstyled ml-0 pl-0 product-list search-results')
    assert len(listing) == 1  # no results list at all; help-sell suggestions are in their own section
