# Steward — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck imports migrations-check pytest browser pdf-libs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate the embedded SQLite database, seed demo data, serve on :8000
run: $(STAMP) pdf-libs
	$(BIN)/steward migrate --noinput
	$(BIN)/steward seed_demo
	$(BIN)/steward runserver 127.0.0.1:8000

## test: lint, type-check, layer contracts, migrations check, the whole pytest suite
test: $(STAMP) browser lint typecheck imports migrations-check pytest

lint: $(STAMP)
	$(BIN)/ruff check steward tests bench
	$(BIN)/ruff format --check steward tests bench

typecheck: $(STAMP)
	$(BIN)/mypy steward

imports: $(STAMP)
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=steward.settings.test $(BIN)/steward makemigrations --check --dry-run

pytest: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

# Browser tests drive Debian's Chromium; install it when missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Browser tests need Debian's chromium: run 'sudo apt-get install chromium'." >&2; \
	    exit 1; \
	  fi; }

# PDF reports (WeasyPrint) need Debian's pango; install it when missing and we may.
pdf-libs:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; \
	  else \
	    echo "Note: PDF reports need Debian's pango: sudo apt-get install libpangoft2-1.0-0" >&2; \
	  fi; }

clean:
	rm -rf $(VENV) var/test .pytest_cache .mypy_cache .ruff_cache
