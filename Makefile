# crmlab: the two commands a newcomer needs are `make lab` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.crmlab-installed
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt
JOBS   ?= 2
# axe-core for the accessibility checks, pinned by tests/browser/package-lock.json.
AXE    := tests/browser/node_modules/axe-core/axe.min.js

# Runs of the notebooks write saved answers somewhere harmless, never into ~/.crmlab.
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install lab test test-fast lint bench notebooks stamp site clean

help:
	@echo "make lab        create .venv, install the course, open JupyterLab on the start page"
	@echo "make test       install test dependencies and run the whole suite (unit, doctest, nbval, browser)"
	@echo "make lint       ruff"
	@echo "make bench      speed benchmarks, reported as ratios against a floor"
	@echo "make notebooks  re-execute every notebook in place and stamp navigation (after editing one)"
	@echo "make site       build the static course site into _site/"

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) -e '.[test,cluster]'
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	touch $@

install: $(STAMP)

# JupyterLab refuses to run as root unless told; containers often are root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: install
	$(VENV)/bin/jupyter lab $(LAB_FLAGS) notebooks/00_start_here.ipynb

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

test: install $(AXE)
	$(VENV)/bin/ruff check crmlab tests benchmarks
	$(PY) -m pytest -n $(JOBS) --dist loadfile --doctest-modules \
	    --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
	    crmlab tests notebooks

test-fast: install
	$(PY) -m pytest -n $(JOBS) --dist loadfile --doctest-modules crmlab tests

lint: install
	$(VENV)/bin/ruff check crmlab tests benchmarks

bench: install
	$(PY) -m benchmarks

notebooks: install
	$(PY) -m crmlab.notebooks execute --stamp

site: install
	$(PY) -m crmlab.course.site --out _site

clean:
	rm -rf $(VENV) _site build *.egg-info
