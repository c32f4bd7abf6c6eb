# Heal Your Hips. `make run` for the demo site, `make test` for the test suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)

# The test suite runs against real PostgreSQL and Redis (started by .ci/services.sh). The
# database and the Celery queue are unique per run, so two runs on one machine never mix.
RUN_ID := $(shell date +%s%N | tail -c 7)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/healhips_$(RUN_ID)
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: install system-packages run test prod-smoke lint format migrations-check bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) system-packages

system-packages:
	@bash .ci/system-packages.sh

# The site and a Celery worker with embedded beat, queueing through plain folders under var/
# (kombu's filesystem transport): the sweeps run on their schedule, with no server to install.
run: install
	mkdir -p var/celery-queue/control
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_journal
	@echo
	@echo "  Heal Your Hips is running at http://127.0.0.1:8000"
	@echo "  Client:     client@example.com     / heal-your-hips-demo  (sam@example.com is flagged)"
	@echo "  Instructor: instructor@example.com / heal-your-hips-demo  (admin: /admin/)"
	@echo "  Emails are printed here and saved under var/mail/; a worker sends them on schedule."
	@echo
	export CELERY_BROKER_URL=filesystem://; \
	  $(BIN)/celery -A healhips worker --beat --schedule var/celerybeat-schedule \
	    --concurrency=1 --loglevel=WARNING & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	@bash .ci/system-packages.sh chromium
	@bash .ci/services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_QUEUE=test-$(RUN_ID) \
	  $(BIN)/pytest $(PYTEST_ARGS)

# The production topology on this machine (two web nodes, worker, beat, PostgreSQL, Redis, S3
# on moto's server), driven by Chromium across the nodes; it stops everything it started.
prod-smoke: install
	@bash .ci/system-packages.sh chromium
	@bash .ci/services.sh >/dev/null
	$(BIN)/python .ci/prod_smoke.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks: never part of `make test`. Each script prints markdown; together they are
# bench/results.md.
bench: install
	@bash .ci/system-packages.sh wrk chromium
	@bash .ci/services.sh >/dev/null
	{ echo "# Heal Your Hips benchmarks"; echo; \
	  echo "Run on $$(date -u +%Y-%m-%d), $$(nproc) cores, $$(uname -m), Python $$($(BIN)/python -V | cut -d' ' -f2)."; echo; \
	  $(BIN)/python bench/bench_http.py && echo && \
	  $(BIN)/python bench/bench_pdf.py && echo && \
	  $(BIN)/python bench/bench_storage.py && echo && \
	  $(BIN)/python bench/bench_emails.py && echo && \
	  $(BIN)/python bench/bench_reminders.py; } > bench/results.md.tmp
	mv bench/results.md.tmp bench/results.md
	@cat bench/results.md

clean:
	rm -rf $(VENV) var/
