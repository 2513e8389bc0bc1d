"""Relevance of both search backends on the judged query set (recall@10 and nDCG@10), on the demo shop.

    python manage.py bench_search_quality                 # database backend (and Elasticsearch if configured)
    python manage.py bench_search_quality --start-noida   # also Elasticsearch 8's API from noida-db (dev only)

Needs the demo catalogue (`load_demo_data`). Prints a table per query group and the failing queries, and
writes var/bench/search-quality.json. Exits 1 when a backend misses the targets (overall recall@10 ≥ 0.95
and every group ≥ 0.9) with --check.
"""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from devtools.benchmarks import search_quality as quality
from search import engine, indexing

OVERALL_TARGET = 0.95
GROUP_TARGET = 0.9


class Command(BaseCommand):
    help = "Score search relevance (recall@10, nDCG@10) on the judged query set, on both backends."

    def add_arguments(self, parser):
        parser.add_argument("--elasticsearch-url", default="")
        parser.add_argument("--start-noida", action="store_true", help="start a noida-db for the run")
        parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "var" / "bench"))

    def handle(self, *args, elasticsearch_url, start_noida, check, output, **options):
        judged = quality.load_judged()
        reports = []
        with override_settings(ELASTICSEARCH_URL=""):
            indexing.rebuild()
            reports.append(quality.evaluate(judged, backend=engine.backend()))
        url = elasticsearch_url or settings.ELASTICSEARCH_URL
        process = None
        if not url and start_noida:
            from devtools.benchmarks.management.commands.bench_search import Command as LatencyCommand

            process, url = LatencyCommand().start_noida()
        try:
            if url:
                with override_settings(
                    ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX="quality", ELASTICSEARCH_TIMEOUT=120
                ):
                    indexing.rebuild(elasticsearch=True)
                    time.sleep(1.5)  # the index's refresh interval
                    from search.backends.elasticsearch import ElasticsearchBackend

                    reports.append(quality.evaluate(judged, backend=ElasticsearchBackend()))
        finally:
            if process:
                process.terminate()
        self.report(reports, judged, Path(output))
        missed = [
            report.backend
            for report in reports
            if report.recall < OVERALL_TARGET
            or any(group["recall_at_10"] < GROUP_TARGET for group in report.by_group().values())
        ]
        if check and missed:
            raise CommandError(f"relevance below target on: {', '.join(missed)}")

    def report(self, reports, judged, output: Path):
        output.mkdir(parents=True, exist_ok=True)
        path = output / "search-quality.json"
        path.write_text(
            json.dumps([report.as_dict() for report in reports], ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        self.stdout.write(f"Search relevance on {len(judged)} judged queries (recall@10 / nDCG@10):\n")
        self.stdout.write("| group | queries | " + " | ".join(r.backend for r in reports) + " |")
        self.stdout.write("|---|---:|" + "---:|" * len(reports))
        groups = reports[0].by_group()
        for group, numbers in groups.items():
            cells = []
            for report in reports:
                scored = report.by_group()[group]
                cells.append(f"{scored['recall_at_10']:.3f} / {scored['ndcg_at_10']:.3f}")
            self.stdout.write(f"| {group} | {numbers['queries']} | " + " | ".join(cells) + " |")
        self.stdout.write(
            f"| **overall** | {len(judged)} | "
            + " | ".join(f"**{r.recall:.3f} / {r.ndcg:.3f}**" for r in reports)
            + " |"
        )
        for report in reports:
            failing = report.failing()
            self.stdout.write(f"\n{report.backend}: {len(failing)} queries miss a product they must show")
            for outcome in failing:
                missing = [upc for upc in outcome.judged.relevant if upc not in outcome.found]
                self.stdout.write(
                    f"  [{outcome.judged.group}] {outcome.judged.query}: recall {outcome.recall:.2f}, "
                    f"missing {' '.join(missing[:5])}"
                )
        self.stdout.write(f"\nWritten to {path}")
