# Thaksa: `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := lms:create_app
DEV    := LMS_ENV=development

.PHONY: install run init demo test lint format translations extract-messages screenshots bench bench-bulk bench-import bench-remind bench-pages bench-writes bench-xapi bench-report-page loadtest faults clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed translations  ## virtualenv with every dependency, compiled translations

translations: $(BIN)/.installed  ## compile lms/translations/*/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --use-fuzzy --statistics -d lms/translations

extract-messages: $(BIN)/.installed  ## refresh the Thai catalogue from the code and templates
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching --ignore-obsolete

init: install  ## migrate the database (DATABASE_URL or the SQLite default) and load content/
	$(DEV) $(BIN)/flask lms init

demo: init  ## load the demo organisation and its five demo log-ins
	$(DEV) $(BIN)/flask lms demo

run: demo  ## serve the demo on http://127.0.0.1:5000, with the task queue's consumer beside it
	@trap 'kill 0' INT TERM EXIT; \
	$(DEV) $(BIN)/huey_consumer lms.worker.huey -k thread -w 2 -d 0.1 -m 1 -q --graceful-signal TERM --shutdown-timeout 20 & \
	$(DEV) $(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install  ## ruff, and the import contracts of pyproject.toml (dependencies point down)
	$(BIN)/ruff check lms tests
	$(BIN)/ruff format --check lms tests
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format lms tests
	$(BIN)/ruff check --fix lms tests

PYTEST := $(BIN)/python -m pytest -q -n $(or $(TEST_WORKERS),auto) --dist loadscope

test: lint  ## the whole suite on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set
	env -u TEST_DATABASE_URL $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL, a database per worker)"; \
		$(PYTEST); \
	fi

screenshots: demo  ## headless Chromium screenshots of the main screens, in Thai and English
	$(BIN)/python tests/browser/screenshots.py

bench: install  ## unit reports at 100,000 people on SQLite and PostgreSQL (BENCH_DATABASE_URL), then the pages of the people with the most below and a learning write (BENCH_PEOPLE=1000000 for the million)
	$(BIN)/python tests/bench/bench.py $(BENCH_ARGS)
	$(BIN)/python tests/bench/pages.py
	$(BIN)/python tests/bench/writes.py

bench-import: install  ## 100,000 people imported from CSV on PostgreSQL (BENCH_ARGS="--sqlite" for SQLite), summary checked
	$(BIN)/python tests/bench/imports.py $(BENCH_ARGS)

bench-remind: install  ## flask lms remind at 100,000 people on PostgreSQL: a first run, and a run with nothing new
	$(BIN)/python tests/bench/remind.py $(BENCH_ARGS)

bench-pages: install  ## /team, home, /inbox/ and people.csv for the people with the most below them, at 100,000 people on PostgreSQL
	$(BIN)/python tests/bench/pages.py $(BENCH_ARGS)

bench-writes: install  ## a learning write's database time: the write itself and the summary's upkeep (on what bench-pages built)
	$(BIN)/python tests/bench/writes.py $(BENCH_ARGS)

bench-xapi: install  ## xAPI statements taken in by batches at 100,000 people (on what bench-pages built), beside bare INSERTs
	$(BIN)/python tests/bench/xapi.py $(BENCH_ARGS)

bench-report-page: install  ## a unit report page with its charts in headless Chromium, to its load event, cold and warm (on what bench built)
	$(BIN)/python tests/bench/report_page.py $(BENCH_ARGS)

bench-bulk: install  ## one transaction changing 10,000 of 100,000 people on PostgreSQL: the summary's upkeep
	$(BIN)/python tests/bench/bulk.py $(BENCH_ARGS)

loadtest: install  ## 20 people for 60 s on gunicorn + a fresh local PostgreSQL (locust, headless)
	bash tests/load/run.sh

faults: install  ## Redis stopped, the consumer killed, a table locked: gunicorn + PostgreSQL + Redis
	$(BIN)/python tests/faults/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
