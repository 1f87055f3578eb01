# Two entry points for a fresh machine (see README):
#   make serve  -- install everything into the repository and serve the site on 127.0.0.1:8000
#   make test   -- install everything and run every test (CI runs exactly this)
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQS := requirements/test.txt requirements/docs.txt
PY_STAMP := $(VENV)/.installed

.PHONY: help install serve test bench clean

help:
	@echo "make serve   install and serve the site on http://127.0.0.1:8000"
	@echo "make test    install and run every test"
	@echo "make bench   run the benchmarks (torch optional: .venv/bin/pip install torch==2.13.0)"

# Re-run pip only when a requirements file changes; a second `make` is a no-op.
$(PY_STAMP): $(REQS) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(REQS))
	touch $@

install: $(PY_STAMP)

serve: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/bench_logits.py

clean:
	rm -rf $(VENV) node_modules site build dist
