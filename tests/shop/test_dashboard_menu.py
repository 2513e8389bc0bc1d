"""The dashboard menu: Oscar's entries, then those our apps add through the dashboard fork."""

import pytest
from django.utils import translation
from oscar.core.loading import get_class

from shop.sellers import onboarding
from tests import factories

get_nodes = get_class("dashboard.menu", "get_nodes")

pytestmark = pytest.mark.django_db


def labels(user) -> list[str]:
    with translation.override("en"):
        return [str(node.label) for node in get_nodes(user)]


def test_staff_see_oscars_menu_then_institutions_seller_review_docking_and_jobs():
    staff = factories.UserFactory(is_staff=True, is_superuser=True)

    menu = labels(staff)

    assert menu[-4:] == ["Institutional buyers", "Seller review", "Purchase demands", "Background jobs"]
    assert {"Catalog", "Offers"} <= set(menu[:-4])


def test_a_seller_sees_their_shop_after_oscars_entries_and_no_staff_entries(partner):
    seller = factories.UserFactory()
    onboarding.link_user(partner, seller)

    menu = labels(seller)

    assert menu[-2:] == ["My shop", "Purchase demands"]
    assert "Institutional buyers" not in menu
    assert "Seller review" not in menu
    assert "Background jobs" not in menu


def test_a_consumer_sees_no_dashboard_entries():
    assert labels(factories.UserFactory()) == []
