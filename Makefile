# Needs only python3 and make: the first target that runs creates .venv and installs the project.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint unit integration nightly docs benchmark clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

demo: $(VENV)/.installed          ## synthetic districts over SFTP -> DuckDB -> dbt build -> docs
	$(BIN)/pathways demo

test: lint $(VENV)/.installed     ## lint (ruff + sqlfluff) and the whole pytest suite
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check ingest tests
	$(BIN)/sqlfluff lint dbt_project/models --processes 2

unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit

integration: $(VENV)/.installed
	$(BIN)/pytest tests/integration

nightly: $(VENV)/.installed
	$(BIN)/pathways nightly

docs: $(VENV)/.installed
	$(BIN)/pathways docs

benchmark: $(VENV)/.installed     ## 1,000,000-row grades file: ingest vs DuckDB read_csv
	$(BIN)/pathways benchmark --rows 1000000

clean:
	rm -rf .pathways dbt_project/target dbt_project/logs
