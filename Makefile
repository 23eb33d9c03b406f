# Two commands on a fresh machine with only Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrate demo clean ci bench vendor

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
	$(BIN)/mypy

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

# Apache ECharts, vendored into static/vendor/echarts/ and committed: the intranet and CI have no npm at run time
# (static/vendor/README.md). To upgrade, change both pins, run `make vendor`, commit the result. The tarball must
# match the pinned integrity (the registry's sha512), so a re-fetch cannot silently bring other bytes.
ECHARTS_VERSION := 5.6.0
ECHARTS_INTEGRITY := sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==
ECHARTS_DIR := static/vendor/echarts
VENDOR_TMP := var/vendor-tmp

vendor:
	@command -v npm >/dev/null || { echo "make vendor needs npm (Node.js) to fetch from the registry" >&2; exit 1; }
	rm -rf $(VENDOR_TMP) && mkdir -p $(VENDOR_TMP)
	cd $(VENDOR_TMP) && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null
	@got="sha512-$$(openssl dgst -sha512 -binary $(VENDOR_TMP)/echarts-$(ECHARTS_VERSION).tgz | base64 -w0)"; \
	  if [ "$$got" != "$(ECHARTS_INTEGRITY)" ]; then \
	    echo "echarts-$(ECHARTS_VERSION).tgz: integrity $$got, pinned $(ECHARTS_INTEGRITY)" >&2; exit 1; fi
	tar -xzf $(VENDOR_TMP)/echarts-$(ECHARTS_VERSION).tgz -C $(VENDOR_TMP)
	mkdir -p $(ECHARTS_DIR)
	cp $(VENDOR_TMP)/package/dist/echarts.min.js $(VENDOR_TMP)/package/LICENSE $(VENDOR_TMP)/package/NOTICE $(ECHARTS_DIR)/
	cp $(VENDOR_TMP)/package/licenses/LICENSE-* $(ECHARTS_DIR)/
	{ echo "package: echarts@$(ECHARTS_VERSION)"; \
	  echo "source: https://registry.npmjs.org/echarts/-/echarts-$(ECHARTS_VERSION).tgz"; \
	  echo "integrity: $(ECHARTS_INTEGRITY)"; \
	  echo "file: echarts.min.js (dist/echarts.min.js of the package)"; \
	  echo "sha256: $$(sha256sum $(ECHARTS_DIR)/echarts.min.js | cut -d' ' -f1)"; } > $(ECHARTS_DIR)/VERSION
	rm -rf $(VENDOR_TMP)
	@cat $(ECHARTS_DIR)/VERSION
