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

.PHONY: help install lab test test-fast lint bench notebooks stamp site clean hub hub-deps

help:
	@echo "make lab        create .venv, install the course, open JupyterLab on the start page"
	@echo "make test       install test dependencies and run the whole suite (unit, doctest, nbval, browser)"
	@echo "make test-fast  unit tests and doctests that start no kernel, server or browser (--no-kernels)"
	@echo "make lint       ruff"
	@echo "make bench      speed benchmarks, reported as ratios against a floor"
	@echo "make notebooks  stamp navigation, rebuild the Azerbaijani edition, re-execute every notebook"
	@echo "make site       build the static course site into _site/"
	@echo "make hub        a DEMO JupyterHub for the course on this machine (shared password)"

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) -e '.[test,cluster,hub]'
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	touch $@

# JupyterLab's command-mode keys scoped away from quiz widgets (crmlab/publish/labsettings.py).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d/crmlab.json
$(LAB_SETTINGS): $(STAMP) crmlab/publish/labsettings.py crmlab/cli/labsettings.py
	$(PY) -m crmlab labsettings

install: $(STAMP) $(LAB_SETTINGS)

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

# Everything but the tests marked `kernel` (kernels, papermill, JupyterLab, the hub, Chromium);
# --no-kernels also fails any test left that starts one (tests/_kernels.py).
test-fast: install
	$(PY) -m pytest -n $(JOBS) --dist loadfile --doctest-modules --no-kernels crmlab tests

lint: install
	$(VENV)/bin/ruff check crmlab tests benchmarks

bench: install
	$(PY) -m benchmarks

notebooks: install
	$(PY) -m crmlab notebooks stamp
	$(PY) -m crmlab notebooks build
	$(PY) -m crmlab notebooks execute

# The hub's proxy comes from npm, pinned by package-lock.json and installed beside the config.
HUB_DIR   := deploy/jupyterhub
HUB_PROXY := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy
HUB_STATE ?= .hub-demo
HUB_STUDENTS ?= student1,student2,student3
HUB_INSTRUCTORS ?= instructor

$(HUB_PROXY): $(HUB_DIR)/package.json $(HUB_DIR)/package-lock.json
	cd $(HUB_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub-deps: install $(HUB_PROXY)

# A demo hub: DummyAuthenticator with one shared password, every server run as this user in
# $(HUB_STATE)/homes/<name>. See README, "A class on JupyterHub", for a production hub.
hub: hub-deps
	@mkdir -p $(HUB_STATE)
	@test -s $(HUB_STATE)/demo-password || $(PY) -c "import secrets; print(secrets.token_urlsafe(9))" > $(HUB_STATE)/demo-password
	@echo "DEMO hub on http://127.0.0.1:8000/  users: $(HUB_STUDENTS) (students), $(HUB_INSTRUCTORS) (instructor)"
	@echo "DEMO shared password for every user: $$(cat $(HUB_STATE)/demo-password)"
	cd $(HUB_DIR) && CRMLAB_HUB_DEMO=1 CRMLAB_HUB_DEMO_PASSWORD="$$(cat $(CURDIR)/$(HUB_STATE)/demo-password)" \
	    CRMLAB_HUB_SPAWNER=simple CRMLAB_HUB_STATE=$(CURDIR)/$(HUB_STATE) \
	    CRMLAB_HUB_STUDENTS=$(HUB_STUDENTS) CRMLAB_HUB_INSTRUCTORS=$(HUB_INSTRUCTORS) \
	    $(CURDIR)/$(VENV)/bin/jupyterhub -f jupyterhub_config.py

site: install
	$(PY) -m crmlab site build --out _site

clean:
	rm -rf $(VENV) _site build *.egg-info $(HUB_DIR)/node_modules .hub-demo
