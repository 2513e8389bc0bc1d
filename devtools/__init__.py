"""Developer tooling, outside the runtime: demo data, the load generator and the benchmarks.

Installed by the dev, test and bench settings only (shop.settings.devtools.DEVTOOLS_APPS);
production never imports anything from here.
"""
