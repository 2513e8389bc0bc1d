"""Search and autocomplete latency on the catalogue in the current database, for both backends.

    python manage.py bench_search                       # database backend, plus Elasticsearch if configured
    python manage.py bench_search --elasticsearch-url http://127.0.0.1:9200
    python manage.py bench_search --start-noida         # Elasticsearch 8 API from noida-db (dev only)

Elasticsearch is filled with `rebuild_search_index` first (timed). Results are printed as a table and
written to var/bench/search-<products>.json.
"""

import json
import logging
import os
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import urllib3
from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import override_settings

from search import autocomplete, engine, indexing
from search.backends.base import SearchRequest
from search.documents import Product
from search.filters import CatalogueFilters
from search.models import ProductDocument

QUERIES = ["脐橙", "大米", "蜂蜜", "茶", "赣南脐橙", "qicheng", "有机", "核桃木耳"]
PREFIXES = ["脐", "大", "蜂", "cha", "qc", "木耳"]


def _percentiles(samples):
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _load():
    return [round(load, 2) for load in os.getloadavg()]


class _FailureCounter(logging.Handler):
    """Counts the backend failures the shop hides from shoppers by answering from the database: a
    timing taken through such a fallback measures the database, so it must be reported."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _time(function, repeat):
    function()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


class Command(BaseCommand):
    help = "Measure search and autocomplete latency on both backends."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=10, help="timed runs per query")
        parser.add_argument("--elasticsearch-url", default="")
        parser.add_argument("--start-noida", action="store_true", help="start a noida-db for the run")
        parser.add_argument(
            "--skip-rebuild", action="store_true", help="Elasticsearch already holds the data"
        )
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "var" / "bench"))

    def handle(self, *args, repeat, elasticsearch_url, start_noida, skip_rebuild, output, **options):
        products = Product.objects.count()
        if ProductDocument.objects.count() < products:
            self.stdout.write("The database index is incomplete; rebuilding it first…")
            with override_settings(ELASTICSEARCH_URL=""):
                indexing.rebuild()
        results = {"products": products, "load_average_start": _load(), "backends": {}}
        with override_settings(ELASTICSEARCH_URL=""):
            results["backends"]["database"] = self.measure(repeat)
        process = None
        url = elasticsearch_url or settings.ELASTICSEARCH_URL
        if not url and start_noida:
            process, url = self.start_noida()
        try:
            if url:
                # A generous timeout: a slow answer must be measured, not replaced by the database's.
                with override_settings(
                    ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX="bench", ELASTICSEARCH_TIMEOUT=120
                ):
                    if not skip_rebuild:
                        start = time.perf_counter()
                        indexing.rebuild(elasticsearch=True)
                        results["elasticsearch_rebuild_s"] = round(time.perf_counter() - start, 1)
                    results["backends"]["elasticsearch"] = self.measure(repeat)
        finally:
            if process:
                process.terminate()
        results["load_average_end"] = _load()
        self.report(results, Path(output))

    def measure(self, repeat):
        failures = _FailureCounter()
        logger = logging.getLogger("aidmarket.search")
        logger.addHandler(failures)
        try:
            measured = self._measure(repeat)
        finally:
            logger.removeHandler(failures)
        measured["fallbacks_to_database"] = failures.count
        return measured

    def _measure(self, repeat):
        backend = engine.backend()
        measured = {"search": {}, "autocomplete": {}}
        for query in QUERIES:
            request = SearchRequest(query=query, filters=CatalogueFilters(sort="relevance"))
            measured["search"][query] = _percentiles(_time(lambda r=request: backend.search(r), repeat))
        browse = SearchRequest(filters=CatalogueFilters(provinces=[], certified_only=True))
        measured["search"]["(browse, certified)"] = _percentiles(
            _time(lambda: backend.search(browse), repeat)
        )
        for prefix in PREFIXES:
            measured["autocomplete"][prefix] = _percentiles(
                _time(lambda p=prefix: autocomplete.suggest(p), repeat)
            )
        return measured

    def start_noida(self):
        from importlib.resources import files

        # The server binary itself: terminating the `noida-db` console script would orphan the server.
        binary = str(files("noida_db").joinpath("noida-db"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        data_dir = tempfile.mkdtemp(prefix="bench-noida-")
        process = subprocess.Popen(
            [
                binary,
                "start",
                "--data-dir",
                data_dir,
                "--only",
                "elasticsearch",
                "--elasticsearch-port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib3.PoolManager().request("GET", url, timeout=0.5)
                break
            except urllib3.exceptions.HTTPError:
                time.sleep(0.1)
        return process, url

    def report(self, results, output: Path):
        output.mkdir(parents=True, exist_ok=True)
        path = output / f"search-{results['products']}.json"
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"\nSearch latency at {results['products']} products (ms, p50 / p95):\n")
        self.stdout.write("| backend | kind | query | p50 | p95 |\n|---|---|---|---|---|")
        for backend, measured in results["backends"].items():
            for kind in ("search", "autocomplete"):
                for query, numbers in measured[kind].items():
                    self.stdout.write(
                        f"| {backend} | {kind} | {query} | {numbers['p50_ms']} | {numbers['p95_ms']} |"
                    )
        for backend, measured in results["backends"].items():
            if measured["fallbacks_to_database"]:
                self.stdout.write(
                    f"\n{backend}: {measured['fallbacks_to_database']} requests failed and were answered "
                    "by the database; their timings are not Elasticsearch's."
                )
        self.stdout.write(
            f"\nLoad average (1, 5, 15 min): {results['load_average_start']} at the start, "
            f"{results['load_average_end']} at the end"
        )
        if "elasticsearch_rebuild_s" in results:
            self.stdout.write(f"\nElasticsearch rebuild: {results['elasticsearch_rebuild_s']} s")
        self.stdout.write(f"\nWritten to {path}")
