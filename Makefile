# The README's two commands live here so that people and .ci/run use the same steps.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8866

.PHONY: serve test install install-test install-test-extras lint format benchmark demo-workbook apps-template

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Breakthrough Kit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

# the test extras alone (ruff, mypy, pytest): enough for lint, which needs no browser
install-test-extras: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

install-test: install-test-extras
	@bash scripts/ensure-chromium.sh

## make serve: install the kit, load the demo collaborative if the database is empty, open Voila.
serve: install
	$(BIN)/bts-kit serve --port $(PORT)

## make test: install the test extras and run every test (unit, notebooks, browser).
test: install-test
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

## make lint: ruff, the format check and mypy (kit/qi, kit/spc, kit/store); no Chromium needed.
lint: install-test-extras
	$(BIN)/ruff check .
	$(BIN)/ruff format --check kit tests
	$(BIN)/mypy

format:
	$(BIN)/ruff format kit tests
	$(BIN)/ruff check --fix .

## make benchmark: every tests/benchmarks/bench_*.py, one after another.
benchmark: install-test
	$(BIN)/python tests/benchmarks/run_all.py

## make apps-template: rewrite the template's app list (kit-apps.j2) from kit/content/apps.yaml.
apps-template: install
	$(BIN)/python -m kit.server.template

demo-workbook: install
	$(BIN)/python -m kit.demo datasets/demo-collaborative.json

## make docs: regenerate the facilitator guide's glossary and agenda tables, then serve the guide at http://127.0.0.1:8000/.
.PHONY: docs
docs: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python facilitator-guide/_tools/generate.py
	$(BIN)/mkdocs serve
