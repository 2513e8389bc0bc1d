"""A bounded load run: 20 locust customers browse, search, fill baskets and check out, and nothing is lost.

CI runs it for LOAD_TEST_SECONDS (default 30); `make load-test` runs the full two minutes.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.load import audit, server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "30"))
USERS = 20


def run_locust(live_shop, out_dir: Path) -> tuple[dict, list[dict]]:
    """Run the locustfile headless against the server; returns its figures and the orders it was shown."""
    world_file, orders_file, summary_file = (
        out_dir / "world.json",
        out_dir / "orders.jsonl",
        out_dir / "summary.json",
    )
    world_file.write_text(json.dumps(live_shop.world, ensure_ascii=False), encoding="utf-8")
    orders_file.write_text("")
    env = {
        **os.environ,
        "LOAD_WORLD_FILE": str(world_file),
        "LOAD_ORDERS_FILE": str(orders_file),
        "LOAD_SUMMARY_FILE": str(summary_file),
    }
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{SECONDS}s",
            "--stop-timeout",
            "30",
            "--host",
            live_shop.server.base_url,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=server.BASE_DIR,
        timeout=SECONDS + 240,
        check=False,
        stdout=open(out_dir / "locust.log", "w"),
        stderr=subprocess.STDOUT,
    )
    orders = [json.loads(line) for line in orders_file.read_text(encoding="utf-8").splitlines() if line]
    return json.loads(summary_file.read_text(encoding="utf-8")), orders


def test_load_run_serves_no_errors_and_loses_no_order(live_shop):
    out_dir = server.OUT_DIR / "locust"
    out_dir.mkdir(parents=True, exist_ok=True)

    summary, shown = run_locust(live_shop, out_dir)

    assert summary["requests"] > 0
    assert summary["server_errors"] == 0, summary["errors"]
    assert summary["failures"] == 0, summary["errors"]
    assert live_shop.server.errors_logged() == []
    assert shown, "no customer completed a checkout during the run"
    numbers = [order["number"] for order in shown]
    assert len(set(numbers)) == len(numbers)
    with live_shop.connect() as conn:
        placed = audit.orders(conn, numbers)
        assert sorted(placed) == sorted(numbers), "orders a customer was shown are missing"
        for order in shown:
            assert placed[order["number"]]["lines"] == {int(pk): qty for pk, qty in order["lines"].items()}, (
                order
            )
        assert audit.orders_without_lines(conn) == []
        assert audit.lines_without_order(conn) == []
        assert audit.wrong_totals(conn) == []
        assert audit.stock_inconsistencies(conn) == []
        recount = audit.recount_quotas(conn, year=live_shop.world["year"])
    figures = server.world(live_shop.database_url, "quotas")
    organisations = [str(org["id"]) for org in live_shop.world["organisations"]]
    reported = {pk: Decimal(figures["progress_for_all"][pk]) for pk in organisations}
    assert reported == {pk: recount.get(pk, Decimal("0.00")) for pk in organisations}
    assert {pk: Decimal(figures["counted_value"][pk]) for pk in organisations} == reported
    assert sum(reported.values()) > 0, "no organisation order was paid during the run: the quotas never moved"
    live_shop.record(
        f"load_run_{SECONDS}s",
        users=USERS,
        seconds=SECONDS,
        requests=summary["requests"],
        rps=summary["rps"],
        failures=summary["failures"],
        server_errors=summary["server_errors"],
        p50_ms=summary["p50_ms"],
        p95_ms=summary["p95_ms"],
        orders_shown=len(shown),
        organisation_orders=sum(1 for order in shown if order["organisation"]),
        quota_counted={pk: str(value) for pk, value in reported.items()},
        quota_recount_equal=True,
        load_average=os.getloadavg(),
        endpoints=summary["endpoints"],
    )
