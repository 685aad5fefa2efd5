# The two commands: `make run` and `make test` (each creates the virtualenv first).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
RUN_PORT ?= 5000

.PHONY: run test lint format bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

run: $(BIN)/.installed ## serve on http://127.0.0.1:5000 (in-memory storage unless REDIS_URL is set)
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(RUN_PORT)

test: $(BIN)/.installed ## lint, then the whole suite (starts its own redis-server processes)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

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
