"""Search tests run once per backend: the database backend, and Elasticsearch 8 as spoken by a
noida-db server the session starts on a free loopback port (real Elasticsearch in CI if
SEARCH_TEST_ELASTICSEARCH_URL points at one)."""

import logging
import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import urllib3

from search.backends import elasticsearch as es_backend


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _noida_binary() -> str | None:
    """The server binary itself, not the `noida-db` console script: terminating the script would
    leave the server running as an orphan."""
    try:
        from importlib.resources import files

        binary = files("noida_db").joinpath("noida-db")
        if binary.is_file():
            return str(binary)
    except ModuleNotFoundError:
        pass
    return shutil.which("noida-db")


@pytest.fixture(scope="session")
def elasticsearch_url(tmp_path_factory):
    """An Elasticsearch 8 REST endpoint: SEARCH_TEST_ELASTICSEARCH_URL, or a noida-db we start."""
    if os.environ.get("SEARCH_TEST_ELASTICSEARCH_URL"):
        yield os.environ["SEARCH_TEST_ELASTICSEARCH_URL"]
        return
    binary = _noida_binary()
    if not binary:
        pytest.skip("noida-db is not installed (pip install -r requirements-dev.txt)")
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("noida")
    process = subprocess.Popen(
        [
            binary,
            "start",
            "--data-dir",
            str(data_dir),
            "--only",
            "elasticsearch",
            "--elasticsearch-port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    http = urllib3.PoolManager()
    for _ in range(100):
        try:
            if http.request("GET", url, timeout=0.5).status == 200:
                break
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.1)
    else:
        process.terminate()
        pytest.fail("noida-db did not start")
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def is_noida(url: str) -> bool:
    return "noida" in urllib3.PoolManager().request("GET", url).data.decode()


@pytest.fixture(params=["database", "elasticsearch"])
def search_backend(request, settings, db, caplog):
    """Switch the shop to one backend; on Elasticsearch, a fresh index per test."""
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
        yield "database"
        return
    url = request.getfixturevalue("elasticsearch_url")
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
    settings.SEARCH_REFRESH_ON_INDEX = True
    backend = es_backend.ElasticsearchBackend()
    backend.ensure_index()
    caplog.set_level(logging.ERROR, logger="aidmarket.search")
    yield "elasticsearch"
    backend.drop_all()
    # An Elasticsearch failure falls back to the database silently for shoppers; here it must not
    # happen, or the database would have answered the Elasticsearch test.
    failures = [
        r.getMessage() for r in caplog.records if r.name == "aidmarket.search" and r.levelno >= logging.ERROR
    ]
    if not getattr(request.node, "expects_search_errors", False):
        assert not failures, failures


@pytest.fixture
def on_noida(search_backend, settings):
    return search_backend == "elasticsearch" and is_noida(settings.ELASTICSEARCH_URL)
