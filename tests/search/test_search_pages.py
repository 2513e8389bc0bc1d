"""The search page, catalogue pages and autocomplete as shoppers use them, on both backends."""

import pytest
from django.urls import reverse

from tests import factories
from tests.search.factories import build_catalogue


@pytest.fixture
def catalogue(search_backend):
    return build_catalogue()


def search_page(client, **params):
    return client.get(reverse("search:search"), params)


def test_search_page_lists_matches_with_highlighted_titles(client, catalogue):
    response = search_page(client, q="脐橙")

    assert response.status_code == 200
    products = response.context["products"]
    assert [p.id for p in products] == [catalogue.navel.id, catalogue.navel_gift.id]
    assert str(products[0].search_title) == "赣南<mark>脐橙</mark> 5斤装"
    assert response.context["page_obj"].paginator.count == 2


def test_search_page_facets_have_counts_and_toggle_links(client, catalogue):
    response = search_page(client, q="茶", province="530000")

    facets = response.context["facets"]
    yunnan = next(option for option in facets["province"] if option.value == "530000")
    assert (yunnan.count, yunnan.selected) == (2, True)
    assert "province=530000" not in yunnan.url  # clicking a selected option removes it
    assert [(region.code, count) for region, count in response.context["province_facets"]] == [("530000", 2)]
    assert [(region.code, count) for region, count in response.context["county_facets"]] == [("530821", 2)]
    assert facets["certified"].count == 1


def test_catalogue_browse_keeps_province_county_and_certified_filters(client, catalogue):
    response = client.get(reverse("catalogue:index"), {"province": "360000", "certified": "1"})

    assert response.status_code == 200
    assert [p.id for p in response.context["products"]] == [catalogue.navel.id]
    assert response.context["filters"].certified_only
    assert dict((r.code, n) for r, n in response.context["province_facets"]) == {"360000": 1, "530000": 1}


def test_category_page_shows_only_its_subtree(client, catalogue):
    response = client.get(catalogue.fruit.get_absolute_url())

    assert response.status_code == 200
    assert {p.id for p in response.context["products"]} == {catalogue.navel.id, catalogue.navel_gift.id}


def test_hidden_category_is_not_found_for_shoppers(client, catalogue):
    catalogue.tea.is_public = False
    catalogue.tea.save()

    assert client.get(catalogue.tea.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        'title:(脐橙 OR "x") AND *',
        '"""',
        "脐橙\\",
        "🍊🍊 脐橙 😀",
        "   ",
        "x" * 2000,
        "脐" * 2000,
        '{"query": {"match_all": {}}}',
        "<script>alert(1)</script>",
        "\x00\x1f",
    ],
)
def test_hostile_or_odd_queries_never_error(client, catalogue, query):
    response = search_page(client, q=query)

    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_emoji_around_words_still_find_them(client, catalogue):
    response = search_page(client, q="🍊赣南脐橙🍊")

    assert [p.id for p in response.context["products"]] == [catalogue.navel.id]


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "99999999999"])
def test_page_out_of_range_redirects_with_a_message(client, catalogue, page):
    response = search_page(client, q="脐橙", page=page)

    assert response.status_code == 302
    assert "page=" not in response["Location"]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages


def test_malformed_filters_are_ignored(client, catalogue):
    response = search_page(
        client, q="脐橙", province=["abc", "12"], category="x", seller="-3", price="cheap", sort="drop table"
    )

    assert response.status_code == 200
    assert response.context["filters"].provinces == []
    assert len(response.context["products"]) == 2


def test_no_results_suggest_a_spelling_and_show_popular_categories_and_help_sell(client, catalogue):
    response = search_page(client, q="脐橙苹果")

    assert response.status_code == 200
    assert response.context["products"] == []
    assert response.context["did_you_mean"] == "赣南脐橙"
    assert [c.name for c, _ in response.context["popular_categories"]][:2] == ["水果", "茶叶"]
    assert response.context["help_sell_products"]
    assert all(p.is_public for p in response.context["help_sell_products"])


def test_stories_appear_in_their_own_section(client, catalogue):
    from wagtail.models import Page

    root = Page.get_first_root_node()
    story = root.add_child(instance=Page(title="安远脐橙丰收记", slug="navel-harvest-story"))
    root.add_child(instance=Page(title="草稿中的脐橙故事", slug="draft-story", live=False))

    response = search_page(client, q="脐橙")

    assert [page.id for page in response.context["stories"]] == [story.id]
    assert story.id not in [p.id for p in response.context["products"]]


# Autocomplete ------------------------------------------------------------------------------------


def autocomplete(client, q):
    response = client.get(reverse("search:autocomplete"), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_autocomplete_suggests_products_categories_and_counties(client, catalogue):
    data = autocomplete(client, "安远")

    assert catalogue.navel_gift.id in [p["id"] for p in data["products"]]
    assert data["counties"][0]["code"] == "360726"
    assert "county=360726" in data["counties"][0]["url"]

    data = autocomplete(client, "水果")
    assert data["categories"][0]["name"] == "水果"
    assert data["categories"][0]["url"] == catalogue.fruit.get_absolute_url()


def test_autocomplete_accepts_pinyin_and_initials(client, catalogue):
    assert catalogue.navel.id in [p["id"] for p in autocomplete(client, "qicheng")["products"]]
    assert catalogue.navel.id in [p["id"] for p in autocomplete(client, "qc")["products"]]
    assert [c["name"] for c in autocomplete(client, "cy")["categories"]] == ["茶叶"]
    assert "宁洱县" in autocomplete(client, "ninger")["counties"][0]["name"]


def test_autocomplete_never_offers_unavailable_products_or_empty_counties(client, catalogue):
    factories.CountyFactory(code="360781", name="瑞金市", parent=catalogue.navel.origin_county.parent)

    data = autocomplete(client, "脐橙")

    assert catalogue.hidden.id not in [p["id"] for p in data["products"]]
    assert catalogue.no_price.id not in [p["id"] for p in data["products"]]
    assert autocomplete(client, "瑞金")["counties"] == []


@pytest.mark.parametrize("q", ["", "   ", "😀", "\"'*", "x" * 5000])
def test_autocomplete_with_nothing_searchable_returns_empty_lists(client, catalogue, q):
    data = autocomplete(client, q)

    assert data["products"] == [] or q.startswith("x")
    assert isinstance(data["categories"], list)


def test_results_page_renders_highlights_facets_and_stories(client, catalogue):
    from wagtail.models import Page

    Page.get_first_root_node().add_child(instance=Page(title="安远脐橙丰收记", slug="navel-story"))

    html = search_page(client, q="脐橙", province="360000").content.decode()

    assert "赣南<mark>脐橙</mark>" in html
    assert 'id="province-360000" name="province" value="360000" checked' in html
    assert 'class="search-stories' in html and "安远脐橙丰收记" in html


def test_empty_results_page_offers_a_spelling_and_categories(client, catalogue):
    html = search_page(client, q="脐橙苹果").content.decode()

    assert 'class="did-you-mean"' in html and "?q=%E8%B5%A3%E5%8D%97%E8%84%90%E6%A9%99" in html
    assert 'class="list-inline popular-categories"' in html
