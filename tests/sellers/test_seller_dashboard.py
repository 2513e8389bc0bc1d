"""Sellers ship from their own pages: Oscar's order pages are staff only, and the dashboard says where to go."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sellers_dashboard_home_links_to_their_own_order_pages_not_oscars(client, seller_user):
    client.force_login(seller_user)

    html = client.get(reverse("dashboard:index")).content.decode()

    assert reverse("sellers:order-lines") + "?status=pending" in html
    assert reverse("dashboard:order-list") + '"' not in html
    assert client.get(reverse("dashboard:order-list")).status_code == 403


def test_staff_still_get_oscars_order_statistics_and_order_list(client, staff_user):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["order", "partner"])
    )
    client.force_login(staff_user)

    html = client.get(reverse("dashboard:index")).content.decode()

    assert reverse("dashboard:order-list") in html
    assert "seller-dashboard-home" not in html


def test_seller_overview_links_pending_lines_to_the_orders_to_ship(client, seller_user, two_seller_order):
    client.force_login(seller_user)

    html = client.get(reverse("sellers:seller-home")).content.decode()

    assert f'href="{reverse("sellers:order-lines")}?status=pending"' in html
