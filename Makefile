# Disclosure service. `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.8
# semgrep lives in its own environment: its pins clash with ours (see [dependency-groups] in pyproject.toml).
SEMGREP := $(TOOLS)/semgrep/bin/semgrep
# locust too (bench/load.py drives it as a subprocess): it would load its pytest plugin and gevent into the tests.
LOCUST := $(TOOLS)/locust/bin/locust
# Local rules only (.semgrep/): no registry rule packs, no metrics, no version check; nothing leaves the machine.
SEMGREP_FLAGS := --metrics=off --disable-version-check
export SEMGREP_SEND_METRICS := off
# uv must never fetch its own Python: only the package registries are reachable.
export UV_PYTHON_DOWNLOADS := never
PYTEST_ARGS ?=
# The clock-sensitive tests that run in a couple of minutes: deadlines, "today or in the past", file ages, and
# the request, research, missing-person and decision verbs that take times from the forms, and the financial
# years of the returns.
CLOCK_TESTS := tests/test_clocks.py tests/test_storage.py tests/people/test_service.py tests/reports \
	tests/requests/test_service.py tests/research/test_service.py tests/missing/test_service.py \
	tests/decisions/test_service.py tests/test_chronology.py tests/test_kept_input.py \
	tests/requests/test_clock_policies.py tests/letters/test_safe_contact.py tests/decisions/test_sarahs_law.py \
	tests/requests/test_escalation.py tests/requests/test_clock_settings.py tests/requests/test_corrections.py \
	tests/decisions/test_urgent.py tests/research/test_offending.py tests/missing/test_prevention_interviews.py \
	tests/auditing/test_filters.py tests/missing/test_corrections.py tests/search/test_search.py \
	tests/requests/test_queue_names.py tests/research/test_reuse.py tests/waiting/test_waiting.py \
	tests/requests/test_people_on_case.py tests/requests/test_forms.py tests/decisions/test_attendance.py \
	tests/letters/test_delivery_corrections.py tests/missing/test_form_pages.py \
	tests/requests/test_stored_deadlines.py tests/requests/test_queue_pages.py tests/decisions/test_meetings_list.py
# 23:55 UTC on New Year's Eve next year: the UK date, the UTC date and the year all turn over mid-run.
CLOCK_AT ?= $(shell echo $$(( $$(date -u +%Y) + 1 )))-12-31 23:55:00

.PHONY: help install install-dev assets migrate run demo test test-only test-clock e2e lint bench check check-deploy check-reliability lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.runtime: requirements.lock pyproject.toml | $(UV)
	@scripts/system-packages run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(UV) pip install --python $(BIN)/python --require-hashes --compile-bytecode --quiet -r requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps --no-build-isolation --quiet -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	@scripts/system-packages test
	$(UV) pip install --python $(BIN)/python --require-hashes --compile-bytecode --quiet -r requirements-dev.lock
	touch $@

$(TOOLS)/semgrep/.installed: requirements-semgrep.lock | $(UV)
	test -x $(TOOLS)/semgrep/bin/python || $(PYTHON) -m venv $(TOOLS)/semgrep
	$(UV) pip install --python $(TOOLS)/semgrep/bin/python --require-hashes --compile-bytecode --quiet -r requirements-semgrep.lock
	touch $@

$(TOOLS)/locust/.installed: requirements-locust.lock | $(UV)
	test -x $(TOOLS)/locust/bin/python || $(PYTHON) -m venv $(TOOLS)/locust
	$(UV) pip install --python $(TOOLS)/locust/bin/python --require-hashes --compile-bytecode --quiet -r requirements-locust.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	@scripts/system-packages run
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.runtime node_modules/.installed ## Install the locked dependencies and GOV.UK Frontend

install-dev: install $(VENV)/.dev ## Also install what the tests need (Debian's chromium included)

migrate: install ## Apply the database migrations
	$(BIN)/disclosure migrate

run: migrate ## Install, migrate and serve on http://127.0.0.1:8000
	$(BIN)/disclosure serve

demo: migrate ## Load the synthetic demo users (never in production)
	$(BIN)/disclosure demo load

test: install-dev ## Install what tests need and run the whole suite (unit, integration, browser), then test-clock
	$(MAKE) --no-print-directory test-only
	$(MAKE) --no-print-directory test-clock

test-clock: ## Run the clock-sensitive tests under a faked clock (CLOCK_AT, UTC; default 23:55 on 31 December next year)
	scripts/faked-clock '$(CLOCK_AT)' $(BIN)/pytest $(CLOCK_TESTS) $(PYTEST_ARGS)

test-only: ## Run the suite without installing (DISCLOSURE_TEST_DATABASE_URL picks PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: install-dev ## Run only the browser journeys
	$(BIN)/pytest e2e $(PYTEST_ARGS)

lint: install-dev $(TOOLS)/semgrep/.installed ## ruff, mypy, bandit and semgrep (the local rules in .semgrep/, and their tests)
	$(BIN)/ruff check disclosure tests e2e
	$(BIN)/ruff format --check disclosure tests e2e
	$(BIN)/mypy
	@# bandit warns "nosec encountered ... but no failed test" for every other node of a statement it was told
	@# to pass (PyCQA/bandit issues 942 and 1041): only that false warning is dropped.
	set -o pipefail; $(BIN)/bandit -c pyproject.toml -r disclosure -q 2>&1 | { grep -v 'but no failed test on file' || true; }
	@# Each rule in .semgrep/ proves it fires on its examples (semgrep skips a hidden folder named on its command
	@# line and then passes having tested nothing, hence the cd and the check for the verdict).
	set -o pipefail; cd .semgrep && ../$(SEMGREP) --test --quiet $(SEMGREP_FLAGS) . | tee /dev/stderr | grep '✓ All tests passed' >/dev/null
	$(SEMGREP) scan $(SEMGREP_FLAGS) --error --quiet --config .semgrep disclosure templates

# `make bench` keeps every figure in var/bench/ and writes docs/PERFORMANCE.md from them (bench/performance.py).
BENCH_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/disclosure_bench
BENCH_OUT := var/bench
bench: install-dev ## Benchmarks: letters, people matching (speed on both engines, quality shipped and trained, at two duplicate rates), the feed, every page at 10,000 requests on both engines (NATIONAL=1: and at the country's size); writes docs/PERFORMANCE.md
	scripts/system-packages bench
	mkdir -p $(BENCH_OUT)
	set -o pipefail; $(BIN)/python bench/letters.py | tee $(BENCH_OUT)/letters.txt
	set -o pipefail; $(BIN)/python bench/people_matching.py --people $${PEOPLE:-1000000} | tee $(BENCH_OUT)/people-matching.txt
	set -o pipefail; $(BIN)/python bench/people_matching.py --people $${PEOPLE:-1000000} --database-url $(BENCH_PG)_people --recreate | tee $(BENCH_OUT)/people-matching-postgresql.txt
	set -o pipefail; $(BIN)/python bench/matching_quality.py --people $${MATCH_PEOPLE:-10000} --json $(BENCH_OUT)/matching-quality.json | tee $(BENCH_OUT)/matching-quality.txt
	set -o pipefail; $(BIN)/python bench/matching_quality.py --people $${MATCH_PEOPLE:-10000} --train --json $(BENCH_OUT)/matching-quality-trained.json | tee $(BENCH_OUT)/matching-quality-trained.txt
	set -o pipefail; $(BIN)/python bench/matching_quality.py --people $${MATCH_PEOPLE:-10000} --duplicate-rate 0.3 --train --json $(BENCH_OUT)/matching-quality-trained-30.json | tee $(BENCH_OUT)/matching-quality-trained-30.txt
	set -o pipefail; $(BIN)/python bench/matching_quality.py --people $${MATCH_PEOPLE:-10000} --train --database-url $(BENCH_PG)_quality --recreate --json $(BENCH_OUT)/matching-quality-trained-postgresql.json | tee $(BENCH_OUT)/matching-quality-trained-postgresql.txt
	set -o pipefail; $(BIN)/python bench/missing_import.py --rows $${FEED_ROWS:-100000} | tee $(BENCH_OUT)/missing-import.txt
	set -o pipefail; $(BIN)/python bench/pages.py --requests 10000 --json $(BENCH_OUT)/sqlite-10000.json | tee $(BENCH_OUT)/sqlite-10000.txt
	set -o pipefail; $(BIN)/python bench/pages.py --requests 10000 --database-url $(BENCH_PG) --json $(BENCH_OUT)/postgresql-10000.json | tee $(BENCH_OUT)/postgresql-10000.txt
	set -o pipefail; $(BIN)/python bench/pages.py --requests 10000 --database-url $(BENCH_PG) --reuse --workers 4 --mix 60 --json $(BENCH_OUT)/postgresql-10000-4-workers.json | tee $(BENCH_OUT)/postgresql-10000-4-workers.txt
	set -o pipefail; $(BIN)/python bench/reports.py --requests 20000 --years 10 --json $(BENCH_OUT)/reports/sqlite-force.json | tee $(BENCH_OUT)/reports-sqlite-force.txt
	if [ -n "$${NATIONAL:-}" ]; then \
	  set -o pipefail; \
	  reuse=; [ -s $(BENCH_OUT)/reports-national.db ] && reuse=--reuse; \
	  $(BIN)/python bench/reports.py --requests 180000 --years 2 $$reuse \
	    --database-url sqlite:///$(CURDIR)/$(BENCH_OUT)/reports-national.db \
	    --json $(BENCH_OUT)/reports/sqlite-national.json | tee $(BENCH_OUT)/reports-sqlite-national.txt && \
	  $(BIN)/python bench/reports.py --requests 180000 --years 2 --database-url $(BENCH_PG)_reports \
	    --json $(BENCH_OUT)/reports/postgresql-national.json | tee $(BENCH_OUT)/reports-postgresql-national.txt; \
	  reuse=; [ -s $(BENCH_OUT)/national.db ] && reuse=--reuse; \
	  $(BIN)/python bench/pages.py --requests 300000 --years 1 --runs 20 $$reuse \
	    --database-url sqlite:///$(CURDIR)/$(BENCH_OUT)/national.db --json $(BENCH_OUT)/sqlite-300000.json \
	    | tee $(BENCH_OUT)/sqlite-300000.txt && \
	  $(BIN)/python bench/pages.py --requests 300000 --years 1 --runs 20 \
	    --database-url $(BENCH_PG)_national --json $(BENCH_OUT)/postgresql-300000.json \
	    | tee $(BENCH_OUT)/postgresql-300000.txt; \
	fi
	$(BIN)/python bench/performance.py --figures $(BENCH_OUT) --out docs/PERFORMANCE.md

# The load check's size: LOAD_USERS simulated users (spawned LOAD_SPAWN a second) for LOAD_SECONDS on each engine,
# over a force of LOAD_REQUESTS synthetic requests.
LOAD_ARGS = --locust $(LOCUST) --users $${LOAD_USERS:-24} --spawn-rate $${LOAD_SPAWN:-4} --seconds $${LOAD_SECONDS:-60} \
	--requests $${LOAD_REQUESTS:-2000}
check-reliability: install-dev $(TOOLS)/locust/.installed ## Faults (kill -9 during acknowledged writes, KILLS times, default 30; a backup round trip) and load (locust: LOAD_USERS for LOAD_SECONDS, every acknowledged write reconciled), on SQLite and PostgreSQL; writes docs/RELIABILITY.md
	mkdir -p $(BENCH_OUT)/reliability
	$(BIN)/python bench/reliability.py --kills $${KILLS:-30} --json $(BENCH_OUT)/reliability/sqlite.json
	$(BIN)/python bench/reliability.py --kills $${KILLS:-30} --database-url $(BENCH_PG)_reliability --json $(BENCH_OUT)/reliability/postgresql.json
	$(BIN)/python bench/load.py $(LOAD_ARGS) --workers 1 --json $(BENCH_OUT)/reliability/load-sqlite.json
	$(BIN)/python bench/load.py $(LOAD_ARGS) --workers 4 --database-url $(BENCH_PG)_load --json $(BENCH_OUT)/reliability/load-postgresql.json
	DISCLOSURE_FUZZ=thorough $(BIN)/pytest tests/accounts/test_policy.py tests/test_api_fuzz.py -q \
	  -o junit_family=legacy --junitxml=$(BENCH_OUT)/reliability/checks.xml
	$(BIN)/python bench/reliability.py --report $(BENCH_OUT)/reliability docs/RELIABILITY.md

check-deploy: install ## `disclosure check --deploy` against a production-like configuration (a fresh database)
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export DISCLOSURE_ENVIRONMENT=production DISCLOSURE_DATABASE_URL=$${DEPLOY_DATABASE_URL:-sqlite:///$$tmp/deploy.db} \
	  DISCLOSURE_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))') \
	  DISCLOSURE_BASE_URL=https://disclosure.police.example DISCLOSURE_VAR_DIR=$$tmp \
	  DISCLOSURE_ATTACHMENT_DIR=$$tmp/attachments; \
	$(BIN)/disclosure migrate; $(BIN)/disclosure check --deploy

check: lint test ## Everything CI checks

lock: | $(UV) ## Re-resolve and hash-pin the dependencies after editing pyproject.toml
	$(UV) pip compile pyproject.toml --extra build --generate-hashes --python-version 3.11 --no-header --quiet -o requirements.lock
	$(UV) pip compile pyproject.toml --extra build --extra dev --generate-hashes --python-version 3.11 --no-header --quiet -o requirements-dev.lock
	$(UV) pip compile --group pyproject.toml:semgrep --generate-hashes --python-version 3.11 --no-header --quiet -o requirements-semgrep.lock
	$(UV) pip compile --group pyproject.toml:locust --generate-hashes --python-version 3.11 --no-header --quiet -o requirements-locust.lock

clean: ## Remove the environments (not the database in var/)
	rm -rf $(VENV) $(TOOLS) node_modules
