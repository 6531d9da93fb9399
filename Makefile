# The two commands: `make run` (platform with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench setup messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) messages

messages: $(STAMP)
	@$(PY) -m babel.messages.frontend compile --domain django --directory locale --use-fuzzy >/dev/null 2>&1 || \
		$(PY) -m babel.messages.frontend compile --domain django --directory locale

run: setup
	$(PY) -m embedded run

test: setup lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	DJANGO_ENV=test $(VENV)/bin/mypy platform tenants marketplace ppob retail

pytest: $(STAMP)
	DJANGO_ENV=test $(PY) -m tests.runner

bench: setup
	DJANGO_ENV=test $(PY) -m bench

clean:
	-$(PY) -m embedded stop
	rm -rf var
