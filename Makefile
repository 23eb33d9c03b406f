# Two commands on a fresh machine with only Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrate demo clean ci bench

install: $(STAMP)

# Reinstall only when the dependency list changes, so `make run` after the first time starts at once.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py load_demo --if-empty --url http://$(HOST):$(PORT)/
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The full CI (SQLite + PostgreSQL suites, real worker, checks, topology smoke): needs PostgreSQL and Redis.
ci:
	bash .ci/run

# Recompute benchmark on PostgreSQL (docs/benchmarks.md). BENCH_DATABASE_URL: an existing, empty database it
# may fill (createdb -h 127.0.0.1 -U postgres junheng_bench); the first run generates the scale province.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/junheng_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/bench_recompute.py

clean:
	rm -rf $(VENV) var/db.sqlite3 var/staticfiles *.egg-info
