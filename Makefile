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
# KaTeX (build-time math rendering) comes from npm, pinned by package-lock.json.
NODE_STAMP := node_modules/.installed
# Material for MkDocs prints a multi-line banner on every build unless told not to.
export NO_MKDOCS_2_WARNING := 1

.PHONY: help install node serve docs test bench clean

help:
	@echo "make serve   install and serve the site on http://127.0.0.1:8000/infotheory/"
	@echo "make test    install and run every test"
	@echo "make docs    build the site strictly into site/"
	@echo "make bench   run the benchmarks (torch optional: .venv/bin/pip install torch==2.13.0)"

# Re-run pip only when a requirements file changes; a second `make` is a no-op.
$(PY_STAMP): $(REQS) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(REQS))
	touch $@

install: $(PY_STAMP)

# Re-run `npm ci` only when package.json or the lockfile changes.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: $(NODE_STAMP)

serve: install node
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

docs: install node
	$(BIN)/mkdocs build --strict

test: install node
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/bench_logits.py

clean:
	rm -rf $(VENV) node_modules site build dist
