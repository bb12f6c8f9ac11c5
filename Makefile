# physio — the two commands a new user needs:
#   make run    set everything up and serve the demo on http://127.0.0.1:5000
#   make test   set everything up, run `make lint`, then the whole suite on SQLite and PostgreSQL
#   make lint   ruff check, ruff format --check, and mypy against its shrinking baseline
# Both install what is missing (Debian packages, .venv, the project) and are safe to repeat.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app physio
HOST ?= 127.0.0.1
PORT ?= 5000

# WeasyPrint needs Pango; libharfbuzz-subset0 makes it 2–8× faster and warning-free.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# Tests also start a PostgreSQL and drive Debian's Chromium; poppler renders PDFs to PNG;
# the cluster test puts nginx in front of two app hosts and keeps login limits in Redis.
TEST_DEBS := $(RUN_DEBS) postgresql chromium chromium-driver poppler-utils nginx redis-server

.PHONY: run test lint test-sqlite cluster-test deps-run deps-test bench load clean

run: deps-run
	$(FLASK) db upgrade
	@$(FLASK) seed-demo 2>/dev/null || echo "Database already has data: demo not reloaded (flask --app physio seed-demo --force adds it)."
	@echo "Demo logins (password run-easy-2026): admin@physio.example (admin), sam@physio.example, jo@physio.example"
	@echo "Serving on http://$(HOST):$(PORT) (gunicorn, 2 workers; Ctrl+C stops it)"
	$(VENV)/bin/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) 'physio:create_app()'

test: deps-test lint
	scripts/run-tests.sh
	$(PY) scripts/cluster_test.py

# Two app hosts behind nginx (README "Deployment"), one PostgreSQL, Redis; one host is killed
# with SIGKILL under load: 0 lost or duplicated writes, audit chain and signed records intact.
cluster-test: deps-test
	$(PY) scripts/cluster_test.py

# The house rules, checked before any test runs (rules and reasons: pyproject.toml).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/mypy-gate.py

# Quick loop while developing: SQLite only, no browser.
test-sqlite: $(VENV)/.installed
	$(PY) -m pytest -m "not browser" -q

bench: deps-test
	$(PY) bench/run_all.py

deps-run:
	@scripts/apt-ensure.sh $(RUN_DEBS)
	@$(MAKE) --no-print-directory $(VENV)/.installed

deps-test:
	@scripts/apt-ensure.sh $(TEST_DEBS)
	@$(MAKE) --no-print-directory $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) artifacts
