# defwatch: `make demo` (one offline monitoring cycle), `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

.PHONY: install demo run test eval bench lint clean-data

install: $(STAMP)

# The pip that `python3 -m venv` ships here silently skips lxml_html_clean (trafilatura then
# fails to import), so pip is upgraded first and lxml_html_clean is a direct dependency.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(PY) -m monitor.demo

run: install
	$(VENV)/bin/defwatch run

test: install
	$(PY) tests/services.py ensure
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check crawler monitor alerts tests bench
	$(VENV)/bin/pytest -q -n 2

eval: install
	$(PY) -m monitor.evaluate

bench: install
	$(PY) bench/run_all.py

lint: install
	$(VENV)/bin/ruff check crawler monitor alerts tests bench
	$(VENV)/bin/lint-imports

clean-data:
	rm -rf data/demo
