"""Developer tooling (devtools/): installed by the dev, test and bench settings, never by prod."""

DEVTOOLS_APPS = [
    "devtools.demo.apps.DemoConfig",
    "devtools.loadgen.apps.LoadgenConfig",
    "devtools.benchmarks.apps.BenchmarksConfig",
]
