# Two commands: `make run` serves the station, `make test` runs every check. Both bootstrap .venv.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench

$(PY):
	scripts/bootstrap-venv.sh $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/radio serve

test: $(VENV)/.installed-test
	scripts/install-test-system-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

bench: $(VENV)/.installed
	$(PY) bench/tts_rtf.py
	$(PY) bench/tts.py
	$(PY) bench/punctuality.py
	$(PY) bench/sync.py
	$(PY) bench/fanout.py
