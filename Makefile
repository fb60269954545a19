# Kitanda: `make run` serves the API with demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format schema bench clean client client-generate client-check

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Tests and tooling (pytest, ruff, ...) on top of what production runs.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: $(VENV)/.installed
	$(PY) manage.py export_schema graph.schema:schema --path schema.graphql

# The generated TypeScript client (clients/typescript, needs node and npm): install it from the
# lockfile, regenerate the manifest and the typed documents, fail when the committed generated code
# differs from that fresh generation, and type-check everything with tsc --noEmit.
CLIENT := clients/typescript

client: $(VENV)/.installed
	cd $(CLIENT) && npm ci --no-audit --no-fund
	$(MAKE) --no-print-directory client-check

client-generate: $(VENV)/.installed
	cd $(CLIENT) && PYTHON=$(abspath $(PY)) npm run --silent generate

client-check: $(VENV)/.installed
	@committed=$$(mktemp -d) && cp -R $(CLIENT)/src/generated/. $$committed/ && \
	$(MAKE) --no-print-directory client-generate && \
	if ! diff -rq $$committed $(CLIENT)/src/generated; then \
	  diff -ru $$committed $(CLIENT)/src/generated | cut -c1-200 | head -n 40; \
	  echo "$(CLIENT)/src/generated differs from a fresh generation: commit what make client-generate made"; \
	  rm -rf $$committed; exit 1; \
	fi; rm -rf $$committed
	cd $(CLIENT) && npm run --silent check
	@echo "client: generated code current, tsc --noEmit clean"

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
