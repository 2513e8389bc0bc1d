"""The server the load tests drive: its own PostgreSQL database and gunicorn on 127.0.0.1.

The database is `<DATABASE_URL's name>_load`, created afresh for every session as a copy of a
migrated template (`…_load_template`, migrated when the code has migrations it lacks), then seeded
by tests/load/world.py. pytest's own test database cannot serve: another process never sees what a
test has not committed.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg
import requests
from django.conf import settings
from psycopg import sql

BASE_DIR = Path(settings.BASE_DIR)
OUT_DIR = BASE_DIR / "var" / "load"
SERVER_SETTINGS = "tests.load.server_settings"


def server_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(scheme="postgresql", path=f"/{parts.path.lstrip('/')}_load"))


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, **kwargs)


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def server_environment(database_url: str) -> dict:
    """What the server and the world script read: production settings pointed at the load database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STRIPE_", "ELASTICSEARCH_", "REDIS_URL", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        DATABASE_URL=database_url,
        SECRET_KEY="load-test-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="60",
        AXES_FAILURE_LIMIT="1000",  # throttling stays on; the simulated customers never mistype
        MEDIA_ROOT=str(OUT_DIR / "media"),
        PYTHONUNBUFFERED="1",
        CELERY_BROKER_URL="",  # Redis here is the cache only: no worker runs, so tasks run in the server
    )
    redis_url = os.environ.get("LOAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    if _redis_answers(redis_url):  # production caches in Redis; without it, each worker has its own cache
        env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX="aidmarket-load-" + uuid.uuid4().hex[:8])
    return env


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def prepare_database(log=print) -> str:
    """A fresh, migrated, seeded copy for the server; returns its URL."""
    url = server_database_url()
    template = urlunsplit(urlsplit(url)._replace(path=f"/{_name(url)}_template"))
    with connect(_admin_url(url), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_name(template)]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_name(template))))
    if not _is_migrated(template):
        log(f"migrating {_name(template)} (once, then only when migrations change)")
        _manage(template, "migrate", "--noinput")
    with connect(_admin_url(url), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_name(url))))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(_name(url)), sql.Identifier(_name(template))
            )
        )
    return url


def _is_migrated(url: str) -> bool:
    from django.db.migrations.loader import MigrationLoader

    leaves = set(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    with connect(url) as connection:
        if not connection.execute("SELECT to_regclass('django_migrations')").fetchone()[0]:
            return False
        applied = set(connection.execute("SELECT app, name FROM django_migrations").fetchall())
    return leaves <= applied


def _manage(database_url: str, *args) -> None:
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=server_environment(database_url),
        cwd=BASE_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=1800,
    )


def world(database_url: str, command: str) -> dict:
    """Run tests/load/world.py against the server's database and return what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.load.world", command],
        env=server_environment(database_url),
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(result.stdout)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving shop.wsgi with tests.load.server_settings; several workers, several threads each."""

    def __init__(self, database_url: str, *, workers: int = 2, threads: int = 8):
        self.database_url = database_url
        self.workers = workers
        self.threads = threads
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = OUT_DIR / "gunicorn.log"
        self.process = None

    def start(self, timeout: float = 300) -> None:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "shop.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "120",
                "--graceful-timeout",
                "10",
                "--keep-alive",
                "30",
                "--log-level",
                "info",
            ],
            env=server_environment(self.database_url),
            cwd=BASE_DIR,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.wait_until_serving(timeout)

    def wait_until_serving(self, timeout: float = 300) -> None:
        """Until every worker is up and the login page answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            if len(self.worker_pids()) == self.workers:
                try:
                    if requests.get(self.base_url + "/accounts/login/", timeout=30).status_code == 200:
                        return
                except requests.RequestException:
                    pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer in {timeout}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def worker_serving(self, client_port: int) -> int:
        """The worker whose database connection leaves from this local port (pg_stat_activity.client_port)."""
        for pid in self.worker_pids():
            for conn in psutil.Process(pid).net_connections(kind="tcp"):
                if conn.laddr and conn.laddr.port == client_port:
                    return pid
        raise LookupError(f"no gunicorn worker owns local port {client_port}")

    def errors_logged(self) -> list[str]:
        """Lines of the server log that report a server error (a 5xx answer, a request the worker failed)."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return [
            line
            for line in text.splitlines()
            if "Internal Server Error" in line or "Error handling request" in line
        ]

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
