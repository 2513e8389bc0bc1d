"""Twenty customers press 'place order' at the same moment for a product with five left in stock."""

import html
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from tests.load import audit
from tests.load.shoppers import Shopper, order_number_shown

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def out_of_stock_messages(title: str) -> list[str]:
    """What a customer who came too late may read, in the shop's default language (Chinese)."""
    with translation.override("zh-hans"):
        return [
            # Placing the order found the stock gone (shop/order/utils.py, under the row lock).
            _("Sorry, only %(available)d of “%(title)s” are left in stock.")
            % {"available": 0, "title": title},
            # The basket was checked after the last unit had been sold (Oscar's checkout precondition).
            _("'%(title)s' is no longer available to buy (%(reason)s). Please adjust your basket to continue")
            % {"title": title, "reason": _("no stock available")},
        ]


def test_twenty_simultaneous_checkouts_sell_exactly_the_five_in_stock(live_shop):
    world = live_shop.world
    product = world["race_product"]
    emails = world["racers"]
    shoppers = {email: Shopper(live_shop.server.base_url) for email in emails}

    def get_ready(email):
        shopper = shoppers[email]
        shopper.log_in(email, world["password"])
        shopper.add_to_basket(product)
        return email, shopper.prepare_checkout()

    with ThreadPoolExecutor(len(emails)) as pool:
        previews = dict(pool.map(get_ready, emails))
    barrier = threading.Barrier(len(emails))

    def place(email):
        barrier.wait()
        started = time.monotonic()
        response = shoppers[email].place_order(previews[email])
        return email, response, time.monotonic() - started

    with ThreadPoolExecutor(len(emails)) as pool:
        results = list(pool.map(place, emails))

    winners = {
        email: order_number_shown(response) for email, response, __ in results if order_number_shown(response)
    }
    losers = {email: response for email, response, __ in results if email not in winners}
    messages = out_of_stock_messages(product["title"])
    assert len(winners) == 5, [(email, response.url, response.status_code) for email, response, __ in results]
    for email, response in losers.items():
        page = html.unescape(response.text)
        assert response.status_code == 200, (email, response.status_code)
        assert any(message in page for message in messages), (email, response.url, messages)
    with live_shop.connect() as conn:
        assert audit.stock(conn, product["stockrecord"]) == (5, 5)
        placed = audit.orders(conn, winners.values())
        assert sorted(placed) == sorted(winners.values())
        assert all(order["lines"] == {product["id"]: 1} for order in placed.values())
        assert audit.orders_without_lines(conn) == []
        assert audit.lines_without_order(conn) == []
        assert audit.wrong_totals(conn) == []
        assert audit.stock_inconsistencies(conn) == []
        baskets = audit.baskets_of(conn, emails)
        order_baskets = {order["basket"] for order in placed.values()}
    for email in winners:
        submitted = [basket for basket in baskets[email] if basket[0] in order_baskets]
        assert [status for __, status, ___ in submitted] == ["Submitted"], baskets[email]
    for email in losers:
        assert [(status, lines) for __, status, lines in baskets[email]] == [("Open", 1)], baskets[email]
    # A loser's basket still works: it shows the product and takes another one.
    loser = shoppers[next(iter(losers))]
    assert product["title"] in loser.get("/basket/").text
    loser.add_to_basket(world["catalogue"][0])
    assert world["catalogue"][0]["title"] in loser.get("/basket/").text
    live_shop.record(
        "concurrent_checkout",
        placed=len(winners),
        refused=len(losers),
        refused_at_placement=sum(messages[0] in html.unescape(r.text) for r in losers.values()),
        refused_by_basket_check=sum(messages[1] in html.unescape(r.text) for r in losers.values()),
        slowest_seconds=round(max(seconds for __, ___, seconds in results), 2),
    )
