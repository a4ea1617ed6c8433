# Slick: `make demo` and `make test` are the two commands a newcomer needs; both install first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
QVENV := .venv-qgis
BACKEND := $(VENV)/bin/slick-backend
APT_PACKAGES := python3-qgis qgis-providers python3-venv python3-pip xvfb xauth qttools5-dev-tools pyqt5-dev-tools
export QT_QPA_PLATFORM ?= offscreen

.PHONY: help install install-system install-venv install-qgis-env test test-backend test-plugin lint demo \
        bench package deploy screenshots clean install-desktop e2e-desktop

help:
	@echo "make demo   - install, then run the whole workflow on embedded synthetic data (out/demo/)"
	@echo "make test   - install, then run the full test suite (backend + QGIS plugin)"
	@echo "make lint   - ruff on everything"
	@echo "make bench  - benchmark scripts (print figures with the machine they ran on)"
	@echo "make e2e-desktop - the analyst's flow in the real QGIS desktop under Xvfb (installs Debian's qgis)"
	@echo "make package / deploy / screenshots - plugin zip, link into a QGIS profile, docs screenshots"

install: install-system install-venv install-qgis-env

# Debian packages, only when missing (idempotent and quick when done).
install-system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The QGIS desktop application and an X input tool, for `make e2e-desktop` only.
DESKTOP_PACKAGES := qgis xdotool xvfb xauth
install-desktop:
	@$(MAKE) --no-print-directory install-system APT_PACKAGES="$(DESKTOP_PACKAGES)"

install-venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# QGIS's Python (Debian's /usr/bin/python3) plus pytest; system site-packages stay visible
# and pip is constrained so QGIS's own numpy is never upgraded.
install-qgis-env: $(QVENV)/.installed
$(QVENV)/.installed: requirements-qgis.txt
	@test -x $(QVENV)/bin/python || /usr/bin/python3 -m venv --system-site-packages $(QVENV)
	$(QVENV)/bin/pip install -q --disable-pip-version-check -r requirements-qgis.txt \
	  -c <(/usr/bin/python3 -c "import numpy; print('numpy==' + numpy.__version__)")
	@touch $@

test: install lint test-backend test-plugin e2e-desktop

lint: install-venv
	$(VENV)/bin/ruff check backend slick_plugin tests benchmarks

test-backend: install-venv
	$(VENV)/bin/python -m pytest -q tests/backend

test-plugin: install
	cd tests/plugin && ../../$(QVENV)/bin/python -m pytest -q -p no:cacheprovider .

# The real QGIS desktop under Xvfb, driven by X mouse and keyboard events (tests/desktop/).
# SHOTS=docs/screenshots refreshes the docs' desktop screenshots.
e2e-desktop: install install-desktop
	$(VENV)/bin/python tests/desktop/run_desktop.py $(if $(SHOTS),--shots $(SHOTS))

demo: install-venv
	$(BACKEND) demo --out out/demo

bench: install-venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(VENV)/bin/python $$b || exit 1; done

clean:
	rm -rf out dist build .pytest_cache

# --- QGIS plugin: zip for Install from ZIP, a development link into QGIS, docs screenshots ---
QGIS_PLUGINS ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default/python/plugins

package:
	$(PYTHON) scripts/package.py --out dist/slick_plugin.zip

deploy:
	mkdir -p $(QGIS_PLUGINS)
	ln -sfn $(CURDIR)/slick_plugin $(QGIS_PLUGINS)/slick_plugin
	@echo "linked $(QGIS_PLUGINS)/slick_plugin; enable Slick in Plugins > Manage and Install Plugins"

screenshots: install
	xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb $(QVENV)/bin/python scripts/screenshots.py --out docs/screenshots
