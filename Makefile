# Needs only python3 and make: the first target that runs creates .venv and installs the project.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test check lint lint-all unit integration nightly docs benchmark spark-check clean

# the SIS `make check` plays end to end (tests/integration/test_<sis>_night.py)
CHECK_SIS ?= skyward_qmlativ

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

demo: $(VENV)/.installed          ## synthetic districts over SFTP -> DuckDB -> dbt build -> docs
	$(BIN)/pathways demo

test: lint-all $(VENV)/.installed ## what CI runs: lint of everything, then the whole pytest suite
	$(BIN)/pytest

check: lint $(VENV)/.installed    ## the edit-test loop: lint, unit tests, dbt unit tests, one SIS end to end
	$(BIN)/pytest -m "not (integration or e2e or fuzz)"
	$(BIN)/pytest tests/integration/test_$(CHECK_SIS)_night.py

lint: $(VENV)/.installed          ## ruff; sqlfluff on the models changed since main (tools/lint_sql.py)
	$(BIN)/ruff check ingest tests tools
	$(BIN)/python tools/lint_sql.py

lint-all: $(VENV)/.installed      ## ruff; sqlfluff on every model (same rules, no cache)
	$(BIN)/ruff check ingest tests tools
	$(BIN)/sqlfluff lint dbt_project/models --processes 2

unit: $(VENV)/.installed
	$(BIN)/pytest -m unit

integration: $(VENV)/.installed
	$(BIN)/pytest tests/integration

nightly: $(VENV)/.installed
	$(BIN)/pathways nightly

docs: $(VENV)/.installed
	$(BIN)/pathways docs

benchmark: $(VENV)/.installed     ## 1,000,000-row grades file: ingest vs DuckDB read_csv
	$(BIN)/pathways benchmark --rows 1000000

# The same models on Spark (issue 10): its own venv (PySpark is ~345 MB), so `make test` stays
# as it is. Needs Java 17 (Debian: openjdk-17-jre-headless).
SPARK_VENV := .venv-spark

$(SPARK_VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/pip install --quiet -c constraints.txt -e ".[dev,spark]"
	touch $@

# PATHWAYS_SPARK_REQUIRED: without Java or PySpark the test fails here instead of skipping
spark-check: $(SPARK_VENV)/.installed ## demo night on DuckDB and on Spark (dbt-spark session), every mart compared (~11 min)
	PATHWAYS_SPARK_REQUIRED=1 $(SPARK_VENV)/bin/pytest -m spark tests/spark

clean:
	rm -rf .pathways dbt_project/target dbt_project/logs .lint-cache
