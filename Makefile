# The commands the README names. Everything runs from the project's own virtual environment.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aidmarket_bench

.PHONY: worker demo test install install-dev migrate serve bench bench-capacity bench-search bench-search-quality lint lock e2e permission-matrix backup restore clean load-test lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Browser-side checks (axe-core, Lighthouse) come from the npm registry; skipped where npm is missing.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: accessibility and Lighthouse checks will be skipped"; fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

## make demo: install, migrate, load the demo shop and serve it on http://127.0.0.1:8000/
demo: migrate
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make worker: a Celery worker with an embedded beat scheduler (CELERY_BROKER_URL or REDIS_URL names the broker)
worker: migrate
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-shop.settings.dev} $(BIN)/celery -A shop worker -B --loglevel=INFO

## make test: install what the tests need and run them (DATABASE_URL picks the database)
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-header --allow-unsafe -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --allow-unsafe -o requirements-dev.txt requirements-dev.in requirements.in

clean:
	rm -rf var/db.sqlite3 var/media var/static var/test-media

## make bench: benchmark the shop on PostgreSQL (BENCH_DATABASE_URL) at each size in BENCH_SIZES (pages
## in-process, a live shopper mix, then each endpoint at capacity without think time); results in
## var/bench/ (results.md, results.json, server_time.png). Quick run: make bench BENCH_SIZES=1000,10000
BENCH_SIZES ?= 1000,10000,100000
BENCH_ARGS ?=
bench: install-dev
	$(BIN)/python -m devtools.benchmarks.database $(BENCH_DATABASE_URL)
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py run_benchmarks --sizes $(BENCH_SIZES) $(BENCH_ARGS)
	# The product card in Django's template engine and in Jinja2, on the largest size's products.
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py bench_templates | tee var/bench/templates.txt
	# The public purchase-demand board at 10,000 open demands.
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py bench_docking_board --demands 10000 | tee var/bench/docking-board.txt
	# Search and autocomplete latency on both backends at the largest size.
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py bench_search --start-noida $(BENCH_SEARCH_ARGS)
	# A province finance bureau's statistics table at 2,000 units and 1,000,000 order lines (goal < 2 s).
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py bench_bureau_statistics
	$(MAKE) bench-search-quality

## make bench-capacity: only the capacity runs (signed-in and anonymous, one endpoint at a time, no think
## time) at BENCH_CAPACITY_SIZE products; results in var/bench/capacity/. Quick check on the data already
## there: make bench-capacity BENCH_CAPACITY_ARGS="--reuse-data --capacity-seconds 10"
BENCH_CAPACITY_SIZE ?= 10000
BENCH_CAPACITY_ARGS ?=
bench-capacity: install-dev
	$(BIN)/python -m devtools.benchmarks.database $(BENCH_DATABASE_URL)
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py run_benchmarks --sizes $(BENCH_CAPACITY_SIZE) --pages none --live-seconds 0 \
		--import-rows 0 --out var/bench/capacity $(BENCH_CAPACITY_ARGS)

## make bench-search-quality: relevance (recall@10, nDCG@10) of both backends on the judged query set, on
## a fresh SQLite demo shop (var/bench-quality.sqlite3); results in var/bench/search-quality.json
QUALITY_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bench-quality.sqlite3
bench-search-quality: install-dev
	mkdir -p var
	DATABASE_URL=$(QUALITY_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v 0
	DATABASE_URL=$(QUALITY_DATABASE_URL) $(BIN)/python manage.py load_demo_data > /dev/null
	DATABASE_URL=$(QUALITY_DATABASE_URL) $(BIN)/python manage.py bench_search_quality --start-noida --check

## make bench-search: search and autocomplete latency, database and Elasticsearch (noida-db, or
## BENCH_SEARCH_ARGS=--elasticsearch-url=...), at each size in BENCH_SEARCH_SIZES; results in var/bench/search-*.json
BENCH_SEARCH_SIZES ?= 10000,100000
BENCH_SEARCH_ARGS ?=
bench-search: install-dev
	DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python manage.py migrate --noinput
	for size in $(subst $(comma), ,$(BENCH_SEARCH_SIZES)); do \
		DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
			$(BIN)/python manage.py generate_load_data --products $$size --orders $$((size / 5)) || exit 1; \
		DJANGO_SETTINGS_MODULE=shop.settings.bench BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
			$(BIN)/python manage.py bench_search --start-noida $(BENCH_SEARCH_ARGS) || exit 1; \
	done
comma := ,

# --- Backups and browser journeys ---
## make backup: database (pg_dump, or SQLite's backup API) and media into var/backups/<timestamp>/
backup: install
	$(BIN)/python manage.py backup_site $(if $(TO),--to $(TO))

## make restore [BACKUP=var/backups/<timestamp>]: replace database and media with a backup (default: latest)
restore: install
	$(BIN)/python manage.py restore_site $(BACKUP) $(if $(NOINPUT),--noinput)

## make e2e: only the four browser journeys (also part of make test); screenshots in var/e2e/
e2e: install-dev
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

## make permission-matrix: only the walk of every URL as each role (it also runs in make test)
permission-matrix: install-dev
	$(BIN)/python -m pytest tests/hardening/test_permission_matrix.py $(PYTEST_ARGS)

# --- Concurrency and load ---
## make load-test: 20 simultaneous checkouts, the full 2-minute locust run (20 users) and the killed-worker
## test, against gunicorn on 127.0.0.1 with its own PostgreSQL database (<DATABASE_URL name>_load);
## prints the figures and keeps them in var/load/figures.json. `make test` runs the same with a 30 s load run.
LOAD_TEST_SECONDS ?= 120
load-test: install-dev
	DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aidmarket}" LOAD_TEST_SECONDS=$(LOAD_TEST_SECONDS) \
		$(BIN)/python -m pytest tests/load -s -rs $(PYTEST_ARGS)

## make lighthouse: Lighthouse (mobile) on the home page, a category, a product, a search and a brand story,
## served the production way (gunicorn, WhiteNoise's compressed static, DEBUG off) on a fresh demo shop in
## PostgreSQL (<DATABASE_URL name>_lighthouse); scores in var/lighthouse/scores.md and scores.json.
LIGHTHOUSE_DATABASE_URL ?= $${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aidmarket}
lighthouse: install-dev
	$(BIN)/python -m devtools.lighthouse "$(LIGHTHOUSE_DATABASE_URL)"
