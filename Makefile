# Two commands do all set-up on a fresh clone: `make demo` and `make test`.
# Both create .venv if it is missing and (re)install the project when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo test lint bench clean golden

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[nlp,postgres,mysql,dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/crmscan demo --out crmscan-report

test: $(STAMP)
	$(BIN)/crmscan demo --out crmscan-report --quiet
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples scripts

golden: $(STAMP)
	$(BIN)/python tests/update_golden.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) crmscan-report .pytest_cache build dist
