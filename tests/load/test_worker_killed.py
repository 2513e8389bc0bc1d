"""A gunicorn worker killed in the middle of a checkout leaves a complete order or none.

The test stalls the checkout with a lock of its own in PostgreSQL, so the worker is caught at a
known point: before the order's transaction commits (rows written, stock not yet allocated), or
after it (order committed, the response not yet sent). Nothing in the shop knows it is tested.
"""

import os
import signal
import threading
import time

import pytest
import requests

from tests.load import audit
from tests.load.shoppers import Shopper, order_number_shown

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def blocked_backend(conn, blocker_pid: int, timeout: float = 120) -> tuple[int, int]:
    """The server's database session waiting for the test's lock: (backend pid, client port)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = conn.execute(
            "SELECT pid, client_port FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
            [blocker_pid],
        ).fetchone()
        if row:
            return row
        time.sleep(0.2)
    raise AssertionError("the checkout never reached the lock the test holds")


def tables_written(conn, backend_pid: int) -> set[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock'",
        [backend_pid],
    ).fetchall()
    return {name for (name,) in rows}


def wait_until_gone(conn, backend_pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend_pid]).fetchone():
        assert time.monotonic() < deadline, "the killed worker's database session is still there"
        time.sleep(0.2)


def place_order_in_background(shopper, preview) -> tuple[threading.Thread, dict]:
    outcome = {}

    def place():
        try:
            outcome["response"] = shopper.place_order(preview)
        except requests.RequestException as error:  # the worker died with the connection open
            outcome["error"] = error

    thread = threading.Thread(target=place)
    thread.start()
    return thread, outcome


def kill_worker_during_checkout(live_shop, shopper, preview, lock_sql, lock_args, *, while_stalled=None):
    """Hold the lock, place the order, SIGKILL the worker that stalls on it, release; returns the outcome."""
    old_workers = set(live_shop.server.worker_pids())
    with live_shop.connect() as blocker, live_shop.connect(autocommit=True) as monitor:
        blocker.execute(lock_sql, lock_args)
        thread, outcome = place_order_in_background(shopper, preview)
        backend, client_port = blocked_backend(monitor, blocker.info.backend_pid)
        stalled = while_stalled(monitor, backend) if while_stalled else None
        worker = live_shop.server.worker_serving(client_port)
        os.kill(worker, signal.SIGKILL)
        blocker.rollback()
        thread.join(timeout=120)
        wait_until_gone(monitor, backend)
    live_shop.server.wait_until_serving()
    assert worker not in live_shop.server.worker_pids()
    assert worker in old_workers
    return outcome, stalled


def test_worker_killed_before_the_order_commits_leaves_no_order_and_the_basket_open(live_shop):
    world, product = live_shop.world, live_shop.world["kill_product"]
    email = world["killers"][0]
    shopper = Shopper(live_shop.server.base_url)
    shopper.log_in(email, world["password"])
    shopper.add_to_basket(product, quantity=2)
    preview = shopper.prepare_checkout()
    with live_shop.connect() as conn:
        stock_before = audit.stock(conn, product["stockrecord"])

    # Stock is allocated under a row lock after the order and its lines are written: hold that row.
    outcome, written = kill_worker_during_checkout(
        live_shop,
        shopper,
        preview,
        "SELECT id FROM partner_stockrecord WHERE id = %s FOR UPDATE",
        [product["stockrecord"]],
        while_stalled=tables_written,
    )

    assert {"order_order", "order_line"} <= written  # the worker was caught mid-way through the order
    assert "error" in outcome, "the customer got an answer from a killed worker"
    with live_shop.connect() as conn:
        baskets = audit.baskets_of(conn, [email])[email]
        assert conn.execute(
            "SELECT COUNT(*) FROM order_order o JOIN auth_user u ON u.id = o.user_id WHERE u.email = %s",
            [email],
        ).fetchone() == (0,)
        assert audit.stock(conn, product["stockrecord"]) == stock_before
        assert audit.orders_without_lines(conn) == []
        assert audit.stock_inconsistencies(conn) == []
    assert [(status, lines) for __, status, lines in baskets] == [("Open", 1)]
    # The master has replaced the worker; the same customer, same basket, checks out.
    confirmation = shopper.place_order(shopper.prepare_checkout())
    number = order_number_shown(confirmation)
    assert number, confirmation.url
    with live_shop.connect() as conn:
        assert audit.orders(conn, [number])[number]["lines"] == {product["id"]: 2}
        assert audit.stock(conn, product["stockrecord"]) == (stock_before[0], stock_before[1] + 2)
        assert audit.wrong_totals(conn) == []
        assert audit.stock_inconsistencies(conn) == []
    live_shop.record(
        "worker_killed_before_commit",
        order_left=None,
        basket=baskets[0][1],
        tables_written_when_killed=sorted(written),
        next_checkout=number,
    )


def test_worker_killed_after_the_order_commits_leaves_the_complete_order(live_shop):
    world, product = live_shop.world, live_shop.world["kill_product"]
    email = world["killers"][1]
    shopper = Shopper(live_shop.server.base_url)
    shopper.log_in(email, world["password"])
    shopper.add_to_basket(product, quantity=1)
    preview = shopper.prepare_checkout()
    with live_shop.connect() as conn:
        stock_before = audit.stock(conn, product["stockrecord"])

    def committed_orders(monitor, backend):
        return [
            number
            for (number,) in monitor.execute(
                "SELECT o.number FROM order_order o JOIN auth_user u ON u.id = o.user_id WHERE u.email = %s",
                [email],
            )
        ]

    # The session is saved last, once the response is ready: hold its row.
    outcome, committed = kill_worker_during_checkout(
        live_shop,
        shopper,
        preview,
        "SELECT 1 FROM django_session WHERE session_key = %s FOR UPDATE",
        [shopper.http.cookies["sessionid"]],
        while_stalled=committed_orders,
    )

    assert len(committed) == 1  # the order had committed when the worker was killed
    assert "error" in outcome, "the customer got an answer from a killed worker"
    [number] = committed
    with live_shop.connect() as conn:
        order = audit.orders(conn, [number])[number]
        assert order["lines"] == {product["id"]: 1}
        assert audit.stock(conn, product["stockrecord"]) == (stock_before[0], stock_before[1] + 1)
        baskets = dict((basket, status) for basket, status, __ in audit.baskets_of(conn, [email])[email])
        assert baskets[order["basket"]] == "Submitted"
        assert audit.wrong_totals(conn) == []
        assert audit.orders_without_lines(conn) == []
        assert audit.stock_inconsistencies(conn) == []
    # The customer finds the order in their history, and can shop on.
    assert number in shopper.get("/accounts/orders/").text
    shopper.add_to_basket(product, quantity=1)
    assert order_number_shown(shopper.place_order(shopper.prepare_checkout()))
    live_shop.record("worker_killed_after_commit", order_left=number, basket="Submitted")
