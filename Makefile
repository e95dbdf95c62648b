# The commands the README names. CI runs `make test` (through .ci/run).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CASES  ?= 20000
SEED   ?= 2017
SAMPLE := data/sample
WAREHOUSE := data/warehouse

.PHONY: run test install sample load publish lint format bench geo clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

$(SAMPLE)/cases.csv: | $(VENV)/.installed
	$(PY) -m etl sample --out $(SAMPLE) --cases $(CASES) --seed $(SEED)

sample: $(SAMPLE)/cases.csv

load: sample
	$(PY) -m etl load $(SAMPLE) --warehouse $(WAREHOUSE)

publish: install
	$(PY) -m etl publish --warehouse $(WAREHOUSE)

run: load
	$(PY) -m streamlit run dashboard/app.py

test: lint
	$(PY) -m pytest -n 2 --dist loadgroup

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: install
	$(PY) -m etl bench

geo: install
	$(PY) -m etl.maps

clean:
	rm -rf $(SAMPLE) $(WAREHOUSE) test-artifacts
