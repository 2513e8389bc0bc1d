"""The storefront frame and listings: the role menu, the tab bar, the one product card, filter chips and
"load more", the product page's buy bar and certificate sheet, and the shop's own error pages."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model
from oscar.test.factories import ProductImageFactory
from wagtail.models import Page, Site

from cms.models import HomePage
from shop import account_menu
from shop.core.dates import today
from shop.order import statuses
from shop.sellers import onboarding
from shop.sellers.models import CountyOfficer, HelpSellFlag
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, place_order

Product = get_model("catalogue", "Product")
Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db

WORKSPACE_LABELS = {
    "organisation": "我的单位",
    "seller": "卖家中心",
    "county": "县级工作台",
    "review": "审核",
}


def page(client, url, **kwargs) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def menu_of(html: str) -> str:
    return html.split('class="site-menu__group site-menu__account"')[1].split("</ul>")[0]


@pytest.fixture
def roles(db, partner, county):
    """One user per role, and one with every role."""
    member = factories.UserFactory(username="member", email="member@example.cn")
    MembershipFactory(organisation=OrganisationFactory(name="赣州市财政局"), user=member)
    seller = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, seller)
    officer = factories.UserFactory(username="officer", email="officer@example.cn")
    CountyOfficer.objects.create(user=officer, county=county)
    staff = factories.UserFactory(username="staff", email="staff@example.cn", is_staff=True)
    consumer = factories.UserFactory(username="consumer", email="consumer@example.cn")
    everything = factories.UserFactory(username="all", email="all@example.cn", is_staff=True)
    MembershipFactory(organisation=OrganisationFactory(name="瑞金市教育局"), user=everything)
    onboarding.link_user(partner, everything)
    CountyOfficer.objects.create(
        user=everything, county=factories.CountyFactory(code="360781", name="瑞金市")
    )
    return {
        "member": (member, ["organisation"]),
        "seller": (seller, ["seller"]),
        "officer": (officer, ["county"]),
        "staff": (staff, ["review"]),
        "consumer": (consumer, []),
        "everything": (everything, ["organisation", "seller", "county", "review"]),
    }


@pytest.mark.parametrize("role", ["member", "seller", "officer", "staff", "consumer", "everything"])
def test_account_menu_links_each_role_to_its_workspaces_and_each_link_opens(client, roles, role):
    user, expected = roles[role]
    client.force_login(user)

    menu = menu_of(page(client, reverse("catalogue:index")))

    shown = re.findall(r'class="workspace-link workspace-(\w+)"', menu)
    assert shown == expected
    for key in expected:
        assert WORKSPACE_LABELS[key] in menu
    for workspace in account_menu.workspaces(user):  # no entry leads to a refusal
        assert client.get(workspace.url).status_code == 200, workspace.url


def test_a_seller_without_the_seller_permission_gets_no_seller_centre(client, roles):
    seller, _ = roles["seller"]
    seller.user_permissions.remove(Permission.objects.get(codename="dashboard_access"))
    seller = type(seller).objects.get(pk=seller.pk)

    assert [w.key for w in account_menu.workspaces(seller)] == []
    client.force_login(seller)
    assert client.get(reverse("sellers:seller-home")).status_code == 403


def test_consumers_are_refused_the_workspaces_they_are_not_offered(client, roles):
    consumer, _ = roles["consumer"]
    client.force_login(consumer)

    for name in ("sellers:seller-home", "sellers:county-applications", "dashboard:index"):
        assert client.get(reverse(name)).status_code in (302, 403), name


def test_workspaces_are_found_in_one_query_whatever_the_roles(roles, django_assert_max_num_queries):
    user, _ = roles["everything"]
    user = type(user).objects.get(pk=user.pk)
    user.get_all_permissions()  # the header reads the permissions anyway (Django caches them per user)

    with django_assert_max_num_queries(1):
        keys = [workspace.key for workspace in account_menu.workspaces(user)]

    assert keys == ["organisation", "seller", "county", "review"]


def test_anonymous_visitors_see_log_in_and_no_workspaces(client, certified_product):
    menu = menu_of(page(client, reverse("catalogue:index")))

    assert "登录 / 注册" in menu and "workspace-link" not in menu
    assert account_menu.workspaces(AnonymousUser()) == []


def test_header_has_the_search_box_the_cart_badge_and_the_help_sell_link(client, certified_product):
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 3})

    html = page(client, reverse("catalogue:index"))

    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert 'action="/search/"' in header and 'name="q"' in header
    assert '<span class="cart-badge" aria-label="3 件商品">3</span>' in header
    assert f'href="{reverse("sellers:help-sell")}"' in header


@pytest.mark.parametrize(
    ("url_name", "tab"),
    [("catalogue:index", "分类"), ("basket:summary", "购物车"), ("customer:profile-view", "我的")],
)
def test_bottom_tab_bar_marks_the_current_tab(client, consumer, url_name, tab):
    client.force_login(consumer)

    html = page(client, reverse(url_name))

    bar = html.split('<nav class="tab-bar"')[1].split("</nav>")[0]
    current = re.findall(r'aria-current="page">.*?<span>(.+?)</span>', bar, re.S)
    assert current == [tab]


def test_card_shows_badges_units_sold_origin_and_price(client, partner, certified_product, consumer):
    HelpSellFlag.objects.create(
        product=certified_product,
        quantity=800,
        reason="harvest_glut",
        until=today() + datetime.timedelta(days=5),
    )
    place_order(consumer, [(certified_product, 4)], status=statuses.PAID)
    place_order(consumer, [(certified_product, 2)], status=statuses.CANCELLED)  # not sold

    html = page(client, reverse("catalogue:index"))

    card = html.split(f'data-product-id="{certified_product.pk}"')[1].split("</article>")[0]
    assert "认定帮扶产品" in card and "滞销助销" in card
    assert "已售 4" in card
    assert certified_product.origin_county.name in card
    assert "¥39.90" in card


def test_units_sold_count_a_parents_variants(partner, consumer):
    parent, variant = factories.variant_family(partner)
    place_order(consumer, [(variant, 3)], status=statuses.SHIPPED)

    assert Product.objects.for_cards().get(pk=parent.pk).units_sold == 3


def test_listing_pages_are_shareable_and_load_more_links_the_next_page(client, partner):
    for number in range(30):
        factories.ProductFactory(partner=partner, title=f"高山云雾茶{number:02d}")

    first = page(client, reverse("catalogue:index"))
    second = page(client, reverse("catalogue:index") + "?page=2")

    assert 'data-load-more href="?page=2"' in first
    assert first.count("data-product-id=") == 24 and second.count("data-product-id=") == 6
    assert "data-load-more href" not in second and "已经到底了" in second
    assert 'rel="prev"' in second
    first_ids = set(re.findall(r'data-product-id="(\d+)"', first))
    assert not first_ids & set(re.findall(r'data-product-id="(\d+)"', second))


def test_applied_filters_show_as_chips_that_remove_them(client, certified_product, uncertified_product):
    html = page(
        client, reverse("catalogue:index") + f"?certified=1&province={certified_product.origin_province_id}"
    )

    chips = html.split('class="filter-chips"')[1].split("</ul>")[0]
    assert "只看认定帮扶产品" in chips
    assert certified_product.origin_province.name in chips
    removing_certified = re.search(
        r'<a class="filter-chip" href="([^"]+)"[^>]*>只看认定帮扶产品', chips
    ).group(1)
    assert "certified" not in removing_certified and "province=" in removing_certified
    assert 'class="filter-count">2<' in html


def test_help_sell_page_shows_cards_with_a_buy_button_that_adds_to_the_basket(client, certified_product):
    HelpSellFlag.objects.create(
        product=certified_product,
        quantity=800,
        reason="harvest_glut",
        until=today() + datetime.timedelta(days=5),
    )

    html = page(client, reverse("sellers:help-sell"))
    add_url = reverse("basket:add", kwargs={"pk": certified_product.pk})
    response = client.post(add_url, {"quantity": 1}, HTTP_REFERER=reverse("sellers:help-sell"))

    assert f'data-product-id="{certified_product.pk}"' in html and "¥39.90" in html
    assert f'action="{add_url}"' in html and "加入购物车" in html
    assert response.status_code == 302
    assert Basket.objects.get().all_lines()[0].product == certified_product


def test_home_page_links_to_the_help_sell_page(client, db):
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="首页", slug="storefront-home", hero_title="买一份特产")
    )
    Site.objects.filter(is_default_site=True).update(root_page=home)

    html = page(client, "/")

    assert html.count(f'href="{reverse("sellers:help-sell")}"') >= 2  # menu and home page shortcuts


def test_buy_now_adds_to_the_basket_and_goes_to_the_checkout(client, certified_product):
    html = page(client, certified_product.get_absolute_url())
    assert 'name="next" value="/checkout/"' in html and "立即购买" in html and "加入购物车" in html

    response = client.post(
        reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 2, "next": "/checkout/"}
    )

    assert response.status_code == 302 and response["Location"] == "/checkout/"
    line = Basket.objects.get().all_lines()[0]
    assert (line.product, line.quantity) == (certified_product, 2)


def test_product_page_gallery_stepper_and_certificate_sheet(client, certified_product):
    for caption in ("果园", "装箱"):
        ProductImageFactory(product=certified_product, caption=caption)
    certificate = certified_product.current_certificate()

    html = page(client, certified_product.get_absolute_url())

    assert html.count('class="gallery__slide"') == 2
    assert 'id="id_quantity" form="add_to_basket_form"' in html and "data-stepper" in html
    sheet = html.split('<dialog id="certificate-sheet"')[1].split("</dialog>")[0]
    assert certificate.number in sheet and certificate.issuing_authority in sheet
    assert "查看证书" in html


def test_sold_out_product_shows_sold_out_in_the_buy_bar(client, partner):
    product = factories.ProductFactory(partner=partner, num_in_stock=0)

    html = page(client, product.get_absolute_url())

    assert 'class="buy-bar__sold-out">已售罄' in html
    assert "add_to_basket_form" not in html


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"


def test_404_page_is_chinese_in_the_shops_frame(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'class="site-header"' in html and 'name="q"' in html


def test_404_page_is_english_when_english_is_chosen(client, db, english):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_403_page_explains_the_refusal_in_chinese(client, consumer):
    client.force_login(consumer)

    response = client.get(reverse("sellers:seller-home"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 403
    html = response.content.decode()
    assert "您无权访问此页面" in html and 'class="site-header"' in html


def test_500_page_renders_without_a_request_or_database(django_assert_num_queries):
    with translation.override("zh-hans"), django_assert_num_queries(0):
        chinese = render_to_string("500.html")
    with translation.override("en"):
        english = render_to_string("500.html")

    assert "抱歉，服务器出了点问题" in chinese and 'lang="zh-hans"' in chinese
    assert "Something went wrong on our side" in english
    assert "/static/" not in chinese  # nothing that could itself fail to load


def test_server_error_is_answered_with_the_500_page(db, settings, monkeypatch):
    from shop.sellers import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HelpSellListView, "get", explode)
    cache.clear()
    client = Client(raise_request_exception=False)

    response = client.get(reverse("sellers:help-sell"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 500
    assert "抱歉，服务器出了点问题" in response.content.decode()


def test_basket_quantity_boxes_are_labelled_with_their_product(client, certified_product):
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})

    html = page(client, reverse("basket:summary"))

    assert f'aria-label="{certified_product.title} 的数量"' in html


def test_signed_in_pages_cost_the_same_queries_whatever_the_roles(roles, certified_product):
    def queries_for(user):
        client = Client()
        client.force_login(user)
        client.get(reverse("catalogue:index"))  # per-process look-ups cached after the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("catalogue:index")).status_code == 200
        return len(queries)

    consumer, _ = roles["consumer"]
    everything, _ = roles["everything"]

    assert queries_for(everything) <= queries_for(consumer)
