# 申报材料 — every task a writer, reviewer or CI runs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help build final preview serve check fix test test-fast bench system-deps chart-font reference clean

$(READY): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: $(READY) chart-font ## build the site (site/) and the draft DOCX (dist/)
	$(PY) -m shenbao build

final: $(READY) system-deps ## build the final DOCX; refuses while figures or text are missing
	$(PY) -m shenbao final

preview: $(READY) system-deps ## render the draft DOCX to PDF and PNG pages (dist/preview/)
	$(PY) -m shenbao preview

SERVE_ADDR ?= 127.0.0.1:8000
serve: $(READY) chart-font ## live preview of the site at http://127.0.0.1:8000 (SERVE_ADDR=host:port)
	$(PY) -m mkdocs serve --dev-addr $(SERVE_ADDR)

check: $(READY) ## check data, references, terms and typography; changes nothing
	$(PY) -m shenbao check

fix: $(READY) ## apply the unambiguous term and punctuation fixes, then check again
	$(PY) -m shenbao check --fix

test: $(READY) system-deps ## run every test (unit, build, DOCX, render, browser)
	$(PY) -m pytest

test-fast: $(READY) ## the tests that need no LibreOffice or browser
	$(PY) -m pytest -m "not render and not browser"

bench: $(READY) chart-font ## benchmark the build against plain MkDocs and pandoc (BENCH_ARGS="--pages 20 --runs 1")
	$(PY) scripts/bench.py $(BENCH_ARGS)

reference: $(READY) ## write the generated reference documents to dist/
	$(PY) -m shenbao.reference_docx dist/reference.docx
	$(PY) -m shenbao.reference_docx dist/reference-draft.docx --draft

system-deps: ## install the Debian packages the render and browser tests need
	@bash scripts/install-system-deps.sh

chart-font: ## install the free CJK font charts are drawn with, if missing
	@bash scripts/install-system-deps.sh fonts

clean: ## remove build outputs (keeps the environment)
	rm -rf site dist tests/artifacts .bench
