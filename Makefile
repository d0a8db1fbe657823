# Two commands: `make run` installs everything and starts the kiosk; `make test` installs the
# same and runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DATA_DIR ?= .data
KIOSK_ARGS ?= --windowed --practice when-offline --config config/demo.toml

.PHONY: run run-fullscreen test screens system venv bench clean

system:
	./installer/install-system-packages.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bundle,province]'
	touch $@

venv: system $(VENV)/.installed

run: venv
	$(VENV)/bin/kiosk --data-dir $(DATA_DIR) $(KIOSK_ARGS)

run-fullscreen: KIOSK_ARGS = --practice when-offline --config config/demo.toml
run-fullscreen: run

test: venv
	$(PY) -m pytest

# Every screen at 1366x768 and 1920x1080 on Xvfb, checked (tests/layout) and photographed into
# build/screens/<size>/<screen>.png.
screens: venv
	$(PY) -m pytest tests/layout -q

bench: venv
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache build/screens
