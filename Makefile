# The two commands a newcomer needs: `make run` and `make test`. Everything else they need is
# installed by these targets (a .venv from the pinned requirements, the front end from npm).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_PY := $(VENV)/.installed
STAMP_JS := node_modules/.installed
FRONTEND := static/dist/app.css

.PHONY: run test install lint bench clean worker web

install: $(STAMP_PY) $(FRONTEND)

$(STAMP_PY): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(STAMP_JS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(FRONTEND): $(STAMP_JS) frontend/build.mjs $(wildcard frontend/*.scss)
	npm run --silent build

# scripts/run.py: migrate, load the demo (where allowed), sweep once, then the Procfile's web,
# worker and beat until Ctrl-C, SIGTERM or SIGHUP, which stop them all.
run: install
	$(BIN)/python scripts/run.py

# One test process per core (TEST_WORKERS=0 runs them all in this one), each test module kept on
# one worker: a module's shared set-up (the demo data, a live server) is made once.
TEST_WORKERS ?= auto

# Tests run with DEBUG off, as production does, and serve static files from the finders; the
# values production must set (SITE_URL, a real email backend, a shared cache) are the tests' own.
test: install
	SECRET_KEY=$${SECRET_KEY:-test-only-secret} STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
		SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 \
		SITE_URL=$${SITE_URL:-http://testserver} EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.locmem.EmailBackend} \
		SINGLE_MACHINE=$${SINGLE_MACHINE:-1} \
		$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules static/dist var
