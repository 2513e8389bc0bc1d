import pytest
from django.urls import reverse

from cms import roles
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    editors, _reviewers = roles.install()
    user = factories.UserFactory(username="editor", email="editor@example.cn")
    user.groups.add(editors)
    return user


@pytest.fixture
def catalogue(db, county, partner):
    other_county = factories.CountyFactory(code="530828", name="澜沧拉祜族自治县")
    tea_seller = factories.PartnerFactory(name="景迈山古茶合作社", county=other_county)
    return {
        "orange": factories.ProductFactory(partner=partner, title="赣南脐橙 5斤装", origin_county=county),
        "honey": factories.ProductFactory(partner=partner, title="土蜂蜜", origin_county=county),
        "tea": factories.ProductFactory(partner=tea_seller, title="古树普洱生茶", origin_county=other_county),
    }


def chooser_titles(client, url_name, query):
    response = client.get(reverse(url_name), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_product_chooser_searches_by_title_seller_and_county(client, editor, catalogue):
    client.force_login(editor)

    by_title = chooser_titles(client, "product_chooser:choose_results", "脐橙")
    by_seller = chooser_titles(client, "product_chooser:choose_results", "景迈山")
    by_county = chooser_titles(client, "product_chooser:choose_results", "安远")

    assert "赣南脐橙 5斤装" in by_title and "土蜂蜜" not in by_title and "古树普洱生茶" not in by_title
    assert "古树普洱生茶" in by_seller and "赣南脐橙" not in by_seller
    assert "赣南脐橙 5斤装" in by_county and "土蜂蜜" in by_county and "古树普洱生茶" not in by_county


def test_product_chooser_modal_opens_and_shows_certification(client, editor, catalogue):
    client.force_login(editor)

    response = client.get(reverse("product_chooser:choose"))

    assert response.status_code == 200
    assert "古树普洱生茶" in response.json()["html"]


def test_county_chooser_lists_counties_only(client, editor, county):
    client.force_login(editor)

    html = chooser_titles(client, "county_chooser:choose_results", "")
    searched = chooser_titles(client, "county_chooser:choose_results", "赣州")

    assert "安远县" in html and "江西省</a>" not in html and "赣州市</a>" not in html
    assert "安远县" in searched


def test_seller_chooser_searches_by_name_and_county(client, editor, catalogue):
    client.force_login(editor)

    html = chooser_titles(client, "seller_chooser:choose_results", "澜沧")

    assert "景迈山古茶合作社" in html and "安远县助农合作社" not in html


def test_choosers_refuse_shoppers(client, consumer):
    client.force_login(consumer)

    response = client.get(reverse("product_chooser:choose_results"), {"q": "脐橙"})

    assert response.status_code in (302, 403)
    assert "脐橙" not in response.content.decode()
