# The README's two commands live here so that people and .ci/run use the same steps.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8866

.PHONY: serve test install install-test lint format benchmark notebooks-clean demo-workbook

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Breakthrough Kit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@bash scripts/ensure-chromium.sh

## make serve: install the kit, load the demo collaborative if the database is empty, open Voila.
serve: install
	$(BIN)/bts-kit serve --port $(PORT)

## make test: install the test extras and run every test (unit, notebooks, browser).
test: install-test
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check kit tests
	$(BIN)/mypy

format:
	$(BIN)/ruff format kit tests
	$(BIN)/ruff check --fix .

benchmark: install-test
	$(BIN)/python tests/benchmarks/run_all.py

demo-workbook: install
	$(BIN)/python -m kit.demo datasets/demo-collaborative.json

## make docs: regenerate the facilitator guide's glossary and agenda tables, then serve the guide at http://127.0.0.1:8000/.
.PHONY: docs
docs: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python facilitator-guide/_tools/generate.py
	$(BIN)/mkdocs serve
