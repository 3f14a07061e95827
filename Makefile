# Veche: `make demo` runs the platform with demo data; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VECHE := $(BIN)/veche

.PHONY: demo test system-packages lint format install install-dev translations messages clean benchmark benchmark-surge benchmark-records profile-surge

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(VECHE) compiletranslations

# The demo city is small: its problems count as resonant from 100 signatures (500 by default).
demo: install translations
	$(VECHE) migrate --noinput
	$(VECHE) demo
	@echo "Veche is at http://127.0.0.1:8000 — stop with Ctrl+C"
	VECHE_RESONANT_SUPPORT=$${VECHE_RESONANT_SUPPORT:-100} $(BIN)/python -m veche.demo.serve

# Installs what the tests need from Debian (Chromium, fonts, Pango, poppler) when missing.
system-packages:
	bash scripts/system_packages.sh

test: system-packages install-dev translations
	bash scripts/test.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Times the problem pages with 100 000 problems in a database of its own: a SQLite file in a
# temporary folder, or `veche_benchmark` when DATABASE_URL names a PostgreSQL server.
benchmark: install
	$(BIN)/python scripts/benchmark_problems.py

# A viral appeal: signing, the appeal page, overload, a killed worker and a PostgreSQL restart,
# against a floor measured in the same run (README, "Performance"). Needs root for its own
# PostgreSQL cluster and to install wrk; `--quick` for short runs, `--help` for the rest.
benchmark-surge: install translations
	$(BIN)/python scripts/benchmark_surge.py $(ARGS)

# What one signature (or page: ARGS="--what page") costs Veche's Python, in-process, on the
# PostgreSQL and Redis of this machine, in a database of its own; `--profile` for cProfile.
profile-surge: install translations
	$(BIN)/python scripts/profile_surge.py $(ARGS)

# Builds the records of hearings with 1 000 and 10 000 submissions (protocol, conclusion, annex,
# their DOCX) and times the discussion page, in a database of its own; writes the README's table.
benchmark-records: install
	$(BIN)/python scripts/benchmark_records.py --readme

# For developers changing texts (needs GNU gettext's xgettext).
messages: install
	cd veche && ../$(VECHE) makemessages --locale ru --no-obsolete --add-location file

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
