# Two entry points for a fresh machine (see README):
#   make serve  -- install everything into the repository and serve the site on 127.0.0.1:8000
#   make test   -- install everything and run every test (CI runs exactly this)
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQS := requirements/test.txt requirements/docs.txt requirements/torch.txt requirements/browser.txt
PY_STAMP := $(VENV)/.installed
# KaTeX (build-time math rendering) comes from npm, pinned by package-lock.json.
NODE_STAMP := node_modules/.installed
# Material for MkDocs prints a multi-line banner on every build unless told not to.
export NO_MKDOCS_2_WARNING := 1

.PHONY: help install node pyodide chromium serve docs test bench bench-cells clean

help:
	@echo "make serve   install and serve the site on http://127.0.0.1:8000/infotheory/"
	@echo "make test    install and run every test"
	@echo "make docs    build the site strictly into site/"
	@echo "make bench   run the benchmarks (torch optional: .venv/bin/pip install torch==2.13.0)"
	@echo "make bench-cells  time the runnable cells in Chromium (page weight, cold/warm run, Stop)"

# Re-run pip only when a requirements file changes; a second `make` is a no-op.
$(PY_STAMP): $(REQS) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(REQS))
	@# The checkout on the venv's path: infotheory and the build tools (sitetools) import
	@# like any installed package, in hooks, tests and scripts, with no path juggling.
	$(BIN)/python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'infotheory-checkout.pth').write_text('$(CURDIR)\n')"
	touch $@

install: $(PY_STAMP)

# Re-run `npm ci` only when package.json or the lockfile changes.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: $(NODE_STAMP)

# The in-browser Python runtime's files, in .cache/pyodide/ (sitetools/pyodide/):
# Pyodide from node_modules, the official numpy wheel (hash-pinned download, checked
# against the official pyodide-lock.json), the infotheory wheel, and the pytest wheels of
# the Pyodide test run. Cached: a second run downloads and rebuilds nothing. The site
# build does the same through hooks/pyodide_assets.py.
pyodide: install node
	$(BIN)/python -m sitetools.pyodide --tests

serve: install node
	$(BIN)/properdocs serve -f mkdocs.yml --dev-addr 127.0.0.1:8000

docs: install node
	$(BIN)/properdocs build --strict -f mkdocs.yml

# The browser tests drive Debian's Chromium (never a browser Playwright downloads).
chromium:
	@if [ -n "$$CHROMIUM" ] && [ -x "$$CHROMIUM" ]; then exit 0; fi; \
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

test: install node pyodide chromium
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/bench_logits.py

# The runnable cells in Chromium: bytes before a run, cold/warm run, Stop (builds the site).
bench-cells: install node pyodide chromium
	$(BIN)/python benchmarks/bench_cells.py

clean:
	rm -rf $(VENV) node_modules site build dist .cache/pyodide
