# The README's two commands: `make demo` and `make test`. Both create .venv when missing and
# install the package with its spaCy model and data first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: install web demo test lint bench eval

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# Dashboard assets: Leaflet vendored from npm and the offline basemap (Natural Earth outlines),
# built into src/claimledger/web/static/{vendor,basemap} (gitignored) by frontend/build.mjs.
WEB_STAMP := src/claimledger/web/static/vendor/.built
$(WEB_STAMP): frontend/package.json frontend/package-lock.json frontend/build.mjs
	@command -v npm >/dev/null || { echo "npm (node 18+) is needed to build the dashboard assets" >&2; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

web: $(WEB_STAMP)

install: $(STAMP) $(WEB_STAMP)

demo: install
	$(PY) -m claimledger.demo

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/throughput.py

eval: install
	$(PY) -m pytest -q tests/test_eval_gate.py
