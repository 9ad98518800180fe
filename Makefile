# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export DO_NOT_TRACK := 1

.PHONY: install run test test-services stop lint clean chromium up down

# uv is bootstrapped into the project's venv with pip, then pins everything from uv.lock
# (uv itself is in the lock, so `uv sync` keeps it).
$(UV):
	@echo "==> creating $(VENV) and installing uv"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

install: $(UV)
	@echo "==> installing locked dependencies (uv sync --frozen)"
	@time $(UV) sync --frozen

run: install
	$(VENV)/bin/mwh run $(ARGS)

# The browser tests (report, Data Docs) drive Debian's Chromium: Playwright never
# downloads a browser of its own. Installed here when missing (root or sudo).
chromium:
	@command -v chromium >/dev/null || { echo "==> installing Debian's chromium"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get install -y -q chromium >/dev/null \
	  || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium >/dev/null; }; }

test: install chromium
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Airflow's real services driven through the REST API (minutes of scheduler time).
test-services: install
	$(VENV)/bin/pytest -m services $(PYTEST_ARGS)

# Airflow's services on this machine (UI on 127.0.0.1:8080); ARGS="--executor celery".
up: install
	$(VENV)/bin/mwh up --services $(ARGS)

down:
	@if [ -x $(VENV)/bin/mwh ]; then $(VENV)/bin/mwh down; else echo "nothing to stop"; fi

stop:
	@if [ -x $(VENV)/bin/mwh ]; then $(VENV)/bin/mwh stop; else echo "nothing to stop"; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd dbt_project && ../$(VENV)/bin/sqlfluff lint --processes 0 models tests macros

clean: stop
	rm -rf .mwh dbt_project/target dbt_project/logs
