import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from search.models import ProductDocument
from shop.sellers import helpsell
from shop.sellers.models import HelpSellFlag
from tests.sellers.conftest import days

pytestmark = pytest.mark.django_db


def flag_through_the_page(client, product, *, until):
    return client.post(
        reverse("sellers:help-sell-flag-create"),
        {
            "product": product.pk,
            "quantity": 500,
            "reason": HelpSellFlag.Reason.HARVEST_GLUT,
            "until": until.isoformat(),
            "note": "丰收滞销",
        },
    )


def test_flagged_product_appears_in_the_public_help_sell_listing(
    client, seller_user, own_product, other_product
):
    client.force_login(seller_user)

    response = flag_through_the_page(client, own_product, until=days(10))
    client.logout()
    listing = client.get(reverse("sellers:help-sell")).content.decode()

    assert response.status_code == 302
    assert own_product.title in listing
    assert other_product.title not in listing
    assert list(helpsell.products_needing_help()) == [own_product]


def test_flag_ends_by_itself_after_its_until_date(client, seller_user, own_product):
    client.force_login(seller_user)
    flag_through_the_page(client, own_product, until=days(3))

    assert list(helpsell.products_needing_help(on=days(3))) == [own_product]
    assert list(helpsell.products_needing_help(on=days(4))) == []


def test_flag_ends_when_stock_runs_out(seller_user, own_product):
    helpsell.flag(own_product, by=seller_user, quantity=50, reason="harvest_glut", until=days(30))
    record = own_product.stockrecords.get()
    record.num_allocated = record.num_in_stock
    record.save()

    assert not helpsell.products_needing_help().exists()


def test_daily_command_records_the_end_of_lapsed_flags_and_is_idempotent(
    seller_user, own_product, monkeypatch
):
    running = helpsell.flag(own_product, by=seller_user, quantity=50, reason="harvest_glut", until=days(30))
    lapsed = helpsell.flag(own_product, by=seller_user, quantity=50, reason="other", until=days(1))
    tomorrow_but_one = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow_but_one)

    call_command("process_expiries")
    first_end = HelpSellFlag.objects.get(pk=lapsed.pk).ended_at
    call_command("process_expiries")

    lapsed.refresh_from_db()
    running.refresh_from_db()
    assert lapsed.end_reason == HelpSellFlag.EndReason.UNTIL_DATE
    assert lapsed.ended_at == first_end
    assert running.ended_at is None


def test_seller_cannot_flag_another_sellers_product(client, seller_user, other_product):
    client.force_login(seller_user)

    response = flag_through_the_page(client, other_product, until=days(10))

    assert response.status_code == 404
    assert not HelpSellFlag.objects.exists()


def test_seller_cannot_end_another_sellers_flag(client, seller_user, seller2_user, other_product):
    help_flag = helpsell.flag(other_product, by=seller2_user, quantity=5, reason="other", until=days(5))
    client.force_login(seller_user)

    response = client.post(reverse("sellers:help-sell-flag-end", args=[help_flag.pk]))

    assert response.status_code == 404
    help_flag.refresh_from_db()
    assert help_flag.ended_at is None


def test_flagging_and_ending_a_flag_update_the_search_index_without_a_receiver(seller_user, own_product):
    helpsell.flag(own_product, by=seller_user, quantity=50, reason="harvest_glut", until=days(1))
    flagged = ProductDocument.objects.get(pk=own_product.pk).help_sell

    helpsell.end_lapsed(on=days(2))  # ended by a bulk update, which sends no signal
    after_the_daily_run = ProductDocument.objects.get(pk=own_product.pk).help_sell

    assert flagged is True
    assert after_the_daily_run is False
