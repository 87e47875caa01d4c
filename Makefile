# 申报材料 — every task a writer, reviewer or CI runs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
# the application to work on: this repository's by default, any other with CONFIG=path/to/mkdocs.yml
CONFIG ?= mkdocs.yml
SHENBAO := $(PY) -m shenbao -f $(CONFIG)
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help build final preview serve check fix new import redline comments sheet-export sheet-import test test-fast bench corpus system-deps chart-font reference clean

$(READY): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: $(READY) chart-font ## build the site (site/) and the draft DOCX (dist/)
	$(SHENBAO) build

final: $(READY) system-deps ## build the final DOCX; refuses while figures or text are missing or check has errors (ALLOW_CHECK_ERRORS=1)
	$(SHENBAO) final $(if $(ALLOW_CHECK_ERRORS),--allow-check-errors)

preview: $(READY) system-deps ## render the draft DOCX to PDF and PNG pages (dist/preview/)
	$(SHENBAO) preview

serve: $(READY) chart-font ## live preview of the site at http://127.0.0.1:8000 (SERVE_ADDR=host:port)
	$(SHENBAO) serve $(if $(SERVE_ADDR),-a $(SERVE_ADDR))

check: $(READY) ## check data, references, terms and typography; changes nothing
	$(SHENBAO) check

fix: $(READY) ## apply the unambiguous term and punctuation fixes, then check again
	$(SHENBAO) check --fix

new: $(READY) ## start a new application: make new DIR=path [TITLE=…]
	@test -n "$(DIR)" || { echo "用法：make new DIR=新项目的文件夹 [TITLE=材料标题]"; exit 2; }
	$(PY) -m shenbao new "$(DIR)" $(if $(TITLE),--title "$(TITLE)")

import: $(READY) ## import a Word file as pages and figures: make import FILE=last-year.docx [INTO=folder]
	@test -n "$(FILE)" || { echo "用法：make import FILE=文件.docx [INTO=项目文件夹] [PREFIX=分组名] [FORCE=1]"; exit 2; }
	$(PY) -m shenbao import "$(FILE)" $(if $(INTO),--into "$(INTO)") $(if $(PREFIX),--prefix "$(PREFIX)") $(if $(FORCE),--force)

sheet-export: $(READY) ## the 填报表 of open values for other departments (ALL=1 GROUP=g PER_GROUP=1 OUT=file.xlsx)
	$(SHENBAO) sheet export $(if $(ALL),--all) $(if $(GROUP),--group "$(GROUP)") $(if $(PER_GROUP),--per-group) $(if $(OUT),-o "$(OUT)")

sheet-import: $(READY) ## read a returned 填报表 into data/figures.yml: make sheet-import FILE=returned.xlsx [FORCE=1]
	@test -n "$(FILE)" || { echo "用法：make sheet-import FILE=填好的工作簿.xlsx [FORCE=1]"; exit 2; }
	$(SHENBAO) sheet import "$(FILE)" $(if $(FORCE),--force)

redline: $(READY) chart-font ## DOCX of Word tracked changes since FROM=<rev> (to TO=<rev>, else the working tree)
	@test -n "$(FROM)" || { echo "错误：请指定 FROM=<修订版本>，例如 make redline FROM=v1.0" >&2; exit 2; }
	$(PY) -m shenbao -f $(CONFIG) redline --from "$(FROM)" $(if $(TO),--to "$(TO)")

comments: $(READY) ## list a reviewed DOCX's comments and tracked changes by source line (FILE=…)
	@test -n "$(FILE)" || { echo "错误：请指定 FILE=<审阅后的 DOCX>" >&2; exit 2; }
	$(PY) -m shenbao -f $(CONFIG) comments "$(FILE)"

test: $(READY) system-deps ## run every test (unit, build, DOCX, render, browser)
	$(PY) -m pytest -n auto --dist loadgroup

test-fast: $(READY) ## the tests that need no LibreOffice or browser
	$(PY) -m pytest -n auto --dist loadgroup -m "not render and not browser"

bench: $(READY) chart-font ## benchmark the build against plain MkDocs and pandoc (BENCH_ARGS="--pages 20 --runs 1")
	$(PY) scripts/bench.py $(BENCH_ARGS)

corpus: $(READY) ## import, check and build every Word file in DIR=folder; fails on any lost character
	@test -n "$(DIR)" || { echo "用法：make corpus DIR=放 Word 文件的文件夹"; exit 2; }
	$(PY) scripts/corpus.py "$(DIR)"

REFERENCE_DIR ?= dist
reference: $(READY) ## write the generated reference documents to dist/ (REFERENCE_DIR=…)
	$(PY) -m shenbao.docx.reference "$(REFERENCE_DIR)/reference.docx"
	$(PY) -m shenbao.docx.reference "$(REFERENCE_DIR)/reference-draft.docx" --draft

system-deps: ## install the Debian packages the render and browser tests need
	@bash scripts/install-system-deps.sh

chart-font: ## install the free CJK font charts are drawn with, if missing
	@bash scripts/install-system-deps.sh fonts

clean: ## remove build outputs (keeps the environment)
	rm -rf site dist tests/artifacts .bench
