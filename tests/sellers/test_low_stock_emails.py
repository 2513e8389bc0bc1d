"""Low-stock e-mails: once per crossing of the threshold, only to the product's own seller."""

import pytest
from django.core import mail
from django.core.management import call_command

from shop.sellers import lowstock
from tests.commit import committed
from tests.sellers.test_stock import set_stock

pytestmark = pytest.mark.django_db


def process_expiries():
    with committed():  # the run's transactions commit, and their mail goes out
        call_command("process_expiries", "--no-progress")


def send_notices():
    with committed():
        return lowstock.send_low_stock_notices()


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_stock_at_its_threshold_e_mails_the_sellers_users_once(seller_user, own_product):
    set_stock(own_product, in_stock=5, threshold=5)

    process_expiries()

    assert recipients() == [seller_user.email]
    assert own_product.title in mail.outbox[0].body
    assert "库存" in mail.outbox[0].subject  # the sellers' language


def test_running_again_sends_nothing_new(seller_user, own_product):
    set_stock(own_product, in_stock=30, allocated=28, threshold=5)  # 2 left after allocations
    assert send_notices() == 1

    assert send_notices() == 0
    process_expiries()

    assert len(mail.outbox) == 1


def test_restocking_above_the_threshold_re_arms_the_notice(seller_user, own_product):
    set_stock(own_product, in_stock=3, threshold=5)
    send_notices()
    set_stock(own_product, in_stock=50, threshold=5)
    send_notices()  # sees the restock: nothing to send, notice re-armed

    set_stock(own_product, in_stock=4, threshold=5)
    send_notices()

    assert len(mail.outbox) == 2


def test_stock_still_low_after_a_small_restock_is_not_reported_again(seller_user, own_product):
    set_stock(own_product, in_stock=3, threshold=5)
    send_notices()
    set_stock(own_product, in_stock=5, threshold=5)  # still at the threshold: the same crossing

    send_notices()

    assert len(mail.outbox) == 1


def test_another_sellers_users_never_get_the_notice(seller_user, seller2_user, own_product, other_product):
    set_stock(own_product, in_stock=1, threshold=5)
    set_stock(other_product, in_stock=50, threshold=5)

    send_notices()

    assert recipients() == [seller_user.email]
    assert other_product.title not in mail.outbox[0].body


def test_products_without_a_threshold_or_above_it_send_nothing(seller_user, own_product, other_product):
    set_stock(own_product, in_stock=0, threshold=None)
    set_stock(other_product, in_stock=6, threshold=5)

    assert send_notices() == 0
    assert mail.outbox == []
