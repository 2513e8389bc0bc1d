from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`run_benchmarks`, `bench_search` and `bench_quota_reports`: the figures in docs/performance.md."""

    name = "devtools.benchmarks"
    label = "devtools_benchmarks"
    verbose_name = "Benchmarks"
