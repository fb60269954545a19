# Kitanda: `make run` serves the API with demo data, `make test` runs every check; `make` alone (or
# `make help`) lists every target. A target's `## ` comment is its line in that list
# (tests/test_make.py checks that each listed target exists and that every target is listed).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Where `make run` serves: make run PORT=8001 (HOST=0.0.0.0 to reach it from another machine).
HOST ?= 127.0.0.1
PORT ?= 8000
# `make bench`: bench/catalog.py, briefly (one round of 2 s each); BENCH_ARGS="" for the README's figures.
BENCH_ARGS ?= --duration 2 --rounds 1

.DEFAULT_GOAL := help
.PHONY: help run test lint format schema bench clean client client-generate client-check locale messages

help: ## list every target (this list)
	@echo "make TARGET, where TARGET is one of (variables: HOST=$(HOST) PORT=$(PORT), see README):"
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)$$/  \1\t\2/' | expand -t 20

# pip shows what it collects and installs (a package a line): the first install takes a minute or two.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing requirements.txt into $(VENV) (a minute or two the first time)..."
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on -r requirements.txt
	touch $@

# Tests and tooling (pytest, ruff, ...) on top of what production runs.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@echo "Installing requirements-dev.txt (tests and tooling) into $(VENV)..."
	$(PY) -m pip install --progress-bar on -r requirements-dev.txt
	touch $@

# The message catalogues (locale/<language>/LC_MESSAGES/django.po, committed) compiled into the .mo
# files Django reads: part of every build (run, test, a production install). Babel compiles them,
# so no GNU gettext is needed.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

locale: $(COMPILED) ## install requirements.txt into .venv and compile the message catalogues (production build)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain django --directory locale --locale $* --statistics

# After changing a message in the code: extract every message again and merge them into each
# catalogue (new ones come untranslated; tests/test_i18n.py fails until they are translated).
messages: $(VENV)/.installed ## after changing a message: extract them all again into locale/*/django.po
	$(VENV)/bin/pybabel extract --mapping-file locale/babel.cfg --no-location --sort-output \
	  --keyword gettext_lazy --keyword ngettext_lazy:1,2 --keyword pgettext_lazy:1c,2 \
	  --output-file locale/django.pot domain graph backend
	$(VENV)/bin/pybabel update --input-file locale/django.pot --domain django --output-dir locale \
	  --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	rm locale/django.pot
	$(MAKE) --no-print-directory locale

# The port is tried before migrating and seeding, so a second `make run` fails at once, saying why.
# E-mailed links (FRONTEND_URL) lead to the port served: in development /verificar-email is served here.
run: $(VENV)/.installed locale ## set up, migrate SQLite, load the demo, serve GraphiQL at http://HOST:PORT/graphql/
	@$(PY) -c "import socket, sys; s = socket.socket(socket.AF_INET6 if ':' in '$(HOST)' else socket.AF_INET); \
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	s.bind(('$(HOST)', $(PORT)))" 2>/dev/null || { \
	  echo "Port $(PORT) on $(HOST) is already in use (another make run?). Stop that server, or choose another port: make run PORT=8001"; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	FRONTEND_URL=$${FRONTEND_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

test: lint ## set up and run every check: ruff, migrations, pytest
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: $(VENV)/.installed-dev locale ## ruff check and ruff format --check of the whole tree (no change made)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev ## ruff check --fix and ruff format of the whole tree
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# bench/checkout.py and bench/scale.py run the same way: .venv/bin/python bench/<script>.py (README).
bench: $(VENV)/.installed-dev locale ## bench/catalog.py on the local PostgreSQL + Redis (BENCH_ARGS, default one short round)
	$(PY) bench/catalog.py $(BENCH_ARGS)

schema: $(VENV)/.installed locale ## regenerate schema.graphql from the code
	$(PY) manage.py export_schema graph.schema:schema --path schema.graphql

# The generated TypeScript client (clients/typescript, needs node and npm): install it from the
# lockfile, regenerate the manifest and the typed documents, fail when the committed generated code
# differs from that fresh generation, and type-check everything with tsc --noEmit.
CLIENT := clients/typescript

client: $(VENV)/.installed ## install the TypeScript client (npm ci), check its generated code is current, tsc
	cd $(CLIENT) && npm ci --no-audit --no-fund
	$(MAKE) --no-print-directory client-check

client-generate: $(VENV)/.installed ## regenerate the TypeScript client after schema.graphql or graph/operations changed
	cd $(CLIENT) && PYTHON=$(abspath $(PY)) npm run --silent generate

client-check: $(VENV)/.installed ## fail when the committed client differs from a fresh generation; tsc --noEmit
	@committed=$$(mktemp -d) && cp -R $(CLIENT)/src/generated/. $$committed/ && \
	$(MAKE) --no-print-directory client-generate && \
	if ! diff -rq $$committed $(CLIENT)/src/generated; then \
	  diff -ru $$committed $(CLIENT)/src/generated | cut -c1-200 | head -n 40; \
	  echo "$(CLIENT)/src/generated differs from a fresh generation: commit what make client-generate made"; \
	  rm -rf $$committed; exit 1; \
	fi; rm -rf $$committed
	cd $(CLIENT) && npm run --silent check
	@echo "client: generated code current, tsc --noEmit clean"

clean: ## remove .venv, the SQLite database, media, staticfiles and the compiled catalogues
	rm -rf $(VENV) db.sqlite3 media staticfiles $(COMPILED)
