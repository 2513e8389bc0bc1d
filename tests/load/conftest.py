"""Fixtures for tests that need PostgreSQL and, for the live ones, a gunicorn server of their own."""

import json
import time
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection

from tests.load import server


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, concurrent transactions, a server in another process)")


@dataclass
class LiveShop:
    server: server.Server
    database_url: str
    world: dict
    setup_seconds: float

    def connect(self, **kwargs):
        """A connection of the test's own to the server's database (to check it, or to hold locks)."""
        return server.connect(self.database_url, **kwargs)

    def record(self, name: str, **figures) -> None:
        """Keep a test's figures in var/load/figures.json (and print them: `pytest -s` shows them)."""
        path = server.OUT_DIR / "figures.json"
        recorded = json.loads(path.read_text()) if path.exists() else {}
        recorded[name] = {**figures, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        path.write_text(json.dumps(recorded, indent=2, ensure_ascii=False, default=str))
        print(f"\n{name}: {json.dumps(figures, ensure_ascii=False, default=str)}")


@pytest.fixture(scope="session")
def live_shop():
    """The shop under gunicorn on 127.0.0.1 with its own fresh database (see tests/load/server.py)."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the live load tests need PostgreSQL: set DATABASE_URL=postgres://…")
    started = time.monotonic()
    database_url = server.prepare_database()
    world = server.world(database_url, "seed")
    shop = server.Server(database_url)
    shop.start()
    try:
        yield LiveShop(shop, database_url, world, time.monotonic() - started)
    finally:
        shop.stop()
