# Kitanda: `make run` serves the API with demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format schema bench clean client client-generate client-check locale messages

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Tests and tooling (pytest, ruff, ...) on top of what production runs.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The message catalogues (locale/<language>/LC_MESSAGES/django.po, committed) compiled into the .mo
# files Django reads: part of every build (run, test, a production install). Babel compiles them,
# so no GNU gettext is needed.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

locale: $(COMPILED)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain django --directory locale --locale $* --statistics

# After changing a message in the code: extract every message again and merge them into each
# catalogue (new ones come untranslated; tests/test_i18n.py fails until they are translated).
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract --mapping-file locale/babel.cfg --no-location --sort-output \
	  --keyword gettext_lazy --keyword ngettext_lazy:1,2 --keyword pgettext_lazy:1c,2 \
	  --output-file locale/django.pot domain graph backend
	$(VENV)/bin/pybabel update --input-file locale/django.pot --domain django --output-dir locale \
	  --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	rm locale/django.pot
	$(MAKE) --no-print-directory locale

run: $(VENV)/.installed locale
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev locale
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: $(VENV)/.installed locale
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
	rm -rf $(VENV) db.sqlite3 media staticfiles $(COMPILED)
