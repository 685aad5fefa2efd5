# The two commands: `make run` and `make test` (each creates the virtualenv first).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
RUN_PORT ?= 5000
# Test processes: each takes whole files, so a file's shared servers start once.
TEST_WORKERS ?= 2

.PHONY: run test test-deps lint format bench clean
# `make test` checks the machine before it creates the virtualenv (which needs python3-venv):
# its prerequisites must run in order, even under -j.
.NOTPARALLEL: test

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

run: $(BIN)/.installed ## serve on http://127.0.0.1:5000 (in-memory storage unless REDIS_URL is set)
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(RUN_PORT)

test: test-deps $(BIN)/.installed ## lint, then the whole suite (starts its own redis-server processes)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# What the suite needs from the machine (redis-server, chromium, openssl, python3-venv...):
# installed when missing if we are root with apt-get, otherwise it stops and prints the one
# command to run. The axe-core asset is vendored (tests/assets/axe-core/) and checked by its
# hashes; if it is missing or altered, it stops and says how to restore it (nothing is
# downloaded). See scripts/bootstrap-test-deps.
test-deps:
	PYTHON=$(PYTHON) bash scripts/bootstrap-test-deps

lint: $(BIN)/.installed
	$(BIN)/ruff check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/.installed ## generation and HTTP benchmarks (see docs/benchmarks.md)
	$(BIN)/python bench/generate_bench.py
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
