# stuntlib: two commands do everything on a fresh machine.
#   make demo   create .venv, install stuntlib, run the main job on the bundled sample
#   make test   install dev extras, run lint, type checks, tests, doctests and notebooks
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip

.PHONY: demo test venv install install-dev lint typecheck pytest notebooks notebooks-refresh bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: $(VENV)/bin/python

# The editable install leaves stuntlib's modules uncompiled; compile them as a regular
# install would, so that no command compiles them again (PYTHONDONTWRITEBYTECODE set).
install: venv
	$(PIP) install -q -e ".[plot]"
	$(PY) -m compileall -q src/stuntlib

install-dev: venv
	$(PIP) install -q -e ".[dev,bench]"

demo: install
	$(VENV)/bin/stuntlib demo

lint: install-dev
	$(VENV)/bin/ruff check src tests tools benchmarks
	$(VENV)/bin/ruff format --check src tests tools benchmarks

typecheck: install-dev
	$(VENV)/bin/mypy

pytest: install-dev
	$(VENV)/bin/pytest -q -p no:cacheprovider -n auto

# Run every notebook and compare each cell's output with the stored one (nbval): a notebook
# whose stored outputs no longer match the code fails. Volatile parts are masked by
# notebooks/nbval_sanitize.cfg; images are not compared. One notebook per worker (loadscope).
NBVAL = --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg

notebooks: install-dev
	$(VENV)/bin/ruff check notebooks
	$(VENV)/bin/ruff format --check notebooks
	$(VENV)/bin/pytest -q -p no:cacheprovider -n auto --dist loadscope $(NBVAL) notebooks

# Re-execute the notebooks in place (after a change of the code), then review and commit.
notebooks-refresh: install-dev
	$(PY) notebooks/refresh_outputs.py

test: lint typecheck pytest notebooks

bench: install-dev
	$(PY) benchmarks/bench_zscores.py
	$(PY) benchmarks/bench_prevalence.py
	$(PY) benchmarks/bench_quality.py
	$(PY) benchmarks/bench_stream.py
	$(PY) benchmarks/bench_reporting.py
	$(PY) benchmarks/bench_import.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
