# Égide: `make start` sets everything up and serves the platform as its users get it (debug off, under gunicorn with
# the background worker beside it: `egide serve --task-worker`); `make dev` serves it for developers (debug on,
# reloaded on every change); `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

# The platform on this machine for its own user: debug off, static files collected and served by WhiteNoise.
LOCAL := DEBUG=false EGIDE_LOCAL=true

.PHONY: start dev setup install assets messages test lint typecheck check mutation benchmark benchmark-hostile benchmark-map benchmark-scaling benchmark-iati-registry benchmark-assessments benchmark-coordination benchmark-due-diligence benchmark-exports load fuzz clean

start: install assets
	$(LOCAL) $(BIN)/egide setup --address $(HOST)
	$(LOCAL) $(BIN)/egide serve --task-worker $(HOST)

dev: setup
	$(BIN)/egide runserver $(HOST)

setup: install assets
	$(BIN)/egide setup --address $(HOST)

install: $(BIN)/egide

$(BIN)/egide: requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Égide needs Python 3.12 or newer") if sys.version_info < (3, 12) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/egide

assets: node_modules/.package-lock.json
	npm run --silent build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

messages:
	cd src/egide && ../../$(BIN)/egide makemessages -l fr --no-obsolete --ignore 'static/vendor/*' && \
		../../$(BIN)/egide makemessages -d djangojs -l fr --no-obsolete --ignore 'static/vendor/*' && \
		../../$(BIN)/egide compilemessages

# One test process per core (pytest-xdist), each with its own test database; a test waiting on a process or a
# browser leaves its core to the others.
test: install assets
	$(BIN)/pytest -n auto --dist worksteal

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck:
	$(BIN)/mypy src/egide

check: lint typecheck test

# Mutation testing of the access selectors, the governance rules and the importer (settings in pyproject.toml);
# long, so not part of `check` or CI. MUTANTS limits the run, e.g. MUTANTS='egide.accounts.selectors*'.
mutation: install
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/python scripts/mutation_score.py

benchmark: install
	$(BIN)/python benchmarks/run.py

benchmark-hostile: install
	$(BIN)/python benchmarks/hostile_imports.py

# The map's drawing in Chromium (/usr/bin/chromium, Python playwright); LABEL names the version measured.
benchmark-map: install assets
	$(BIN)/python benchmarks/map_drawing.py --label "$(or $(LABEL),current)"

# How the map, the country page, the governance page and the findings grow from 1,000 to 50,000 actors; SIZES
# limits the run, e.g. `make benchmark-scaling SIZES=1000,5000`.
SIZES ?= 1000,5000,20000,50000
benchmark-scaling: install
	$(BIN)/python benchmarks/scaling.py --sizes "$(SIZES)"

# The IATI import at registry scale: a generated folder of 1,000 publishers' files (2 GB; SIZE=300MB for a shorter
# run), read by 1 and 2 processes beside a bare parallel lxml pass; DATABASES=sqlite to leave PostgreSQL out.
SIZE ?= 2GB
DATABASES ?= sqlite,postgresql
benchmark-iati-registry: install
	$(BIN)/python benchmarks/iati_registry.py --size "$(SIZE)" --databases "$(DATABASES)"

# The assessments' heatmap and comparison at 190 countries × 5 published assessments × 100 answers, and their query
# counts at 19, 95 and 190 countries; DATABASES=sqlite to leave PostgreSQL out.
benchmark-assessments: install
	$(BIN)/python benchmarks/assessments.py --databases "$(DATABASES)"

# A large country's Coordination tab (and the dashboard) with 190 countries, 100,000 programmes and 1,000,000
# transactions on PostgreSQL (a tenth on SQLite), at 19, 95 and 190 countries; the generated data is kept in
# $(DATABASE_URL)'s database (else egide_coordbench) and reused: REGENERATE=1 to generate it again.
benchmark-coordination: install
	$(BIN)/python benchmarks/coordination.py --databases "$(or $(DATABASES),sqlite,postgresql)" $(if $(REGENERATE),--regenerate)

# A unit's due-diligence risk listing with 100,000 persons, 500,000 posts and 50,000 incidents on PostgreSQL (its
# own database, egide_ddbench unless DDBENCH_URL names another; REGENERATE=1 to generate the data again).
benchmark-due-diligence: install
	$(BIN)/python benchmarks/due_diligence.py $(if $(REGENERATE),--regenerate)

# List exports at scale (benchmarks/exports.py): 100,000 transactions to XLSX and CSV, time and peak memory, and the
# same at 10,000 rows; e.g. `make benchmark-exports DATABASES=sqlite RUNS=1`.
benchmark-exports: install
	$(BIN)/python benchmarks/exports.py --databases "$(or $(DATABASES),sqlite,postgresql)" --runs $(or $(RUNS),3)

# The platform under load through its production server (benchmarks/load.py): 1, 10, 50 and 100 concurrent users for
# STEP_SECONDS each, each user thinking THINK seconds between requests (LOW-HIGH, a mean, or 0 for none), then 1 and 10
# users without think time (the throughput ratio), then SOAK_SECONDS at 50 users with every process's memory sampled,
# on DATABASES; not part of CI.
STEP_SECONDS ?= 120
SOAK_SECONDS ?= 600
THINK ?= 2-8
load: install
	$(BIN)/python benchmarks/load.py --databases "$(DATABASES)" --step-seconds $(STEP_SECONDS) --soak-seconds $(SOAK_SECONDS) --think $(THINK)

# The importers' fuzzing (tests/core/test_import_fuzzing.py) with many more files than the test suite draws, new
# ones at every run (EXAMPLES per importer).
EXAMPLES ?= 500
fuzz: install
	EGIDE_FUZZ_EXAMPLES=$(EXAMPLES) EGIDE_FUZZ_RANDOM=1 $(BIN)/pytest tests/core/test_import_fuzzing.py -p no:cacheprovider

clean:
	rm -rf $(VENV) node_modules src/egide/static/vendor src/egide/static/build mutants
