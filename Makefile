# Quick start: `make run` (set up, load demo data, serve) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test bench setup assets migrate demo demo-code lock worker beat clean check

run: setup migrate demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# As production runs: gunicorn, a Celery worker and beat (Procfile, run by honcho) on
# PostgreSQL and Redis, with settings from the environment (docs/operating.md).
serve: setup
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make serve runs on PostgreSQL:" \
		"set DATABASE_URL (docs/operating.md)"; exit 1;; esac
	@case "$$CELERY_BROKER_URL" in redis*) ;; *) echo "make serve runs with Redis:" \
		"set CELERY_BROKER_URL (docs/operating.md)"; exit 1;; esac
	@test -n "$$ALLOWED_HOSTS" || (echo "Set ALLOWED_HOSTS to the host names people use" \
		"(docs/operating.md)"; exit 1)
	@case "$$DATABASE_OWNER_URL" in postgres*) ;; *) echo "Set DATABASE_OWNER_URL: migrations" \
		"run as the owner of the tables (docs/operating.md, Database roles)"; exit 1;; esac
	DATABASE_URL="$$DATABASE_OWNER_URL" $(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/honcho start --no-colour --no-prefix -p $(PORT)

test: setup
	$(BIN)/ruff check .
	SECRET_KEY=check-only ALLOW_CONSOLE_EMAIL=1 $(BIN)/python manage.py check --fail-level WARNING
	SECRET_KEY=check-only ALLOW_CONSOLE_EMAIL=1 $(BIN)/python manage.py makemigrations --check \
		--dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmark at two scales on PostgreSQL and Redis (bench/run.py; see bench/README.md).
bench: setup
	$(BIN)/python bench/run.py

setup: $(VENV)/.installed static/build/app.css

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || (echo "No Python 3.12+ found; see scripts/find-python" && exit 1)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/build/app.css: node_modules/.installed scripts/build-assets.mjs $(wildcard assets/scss/*.scss assets/js/*)
	npm run build

migrate: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py load_demo

# The code the demo SENCO, head and trust lead enter after their password.
demo-code: setup
	@DEBUG=1 $(BIN)/python manage.py demo_code

# Background services for running on PostgreSQL + Redis (see docs/operating.md).
worker: setup
	$(BIN)/celery -A backend worker -l info

beat: setup
	$(BIN)/celery -A backend beat -l info --schedule var/celerybeat-schedule

# Re-pin every dependency after changing pyproject.toml.
lock: $(VENV)/.installed
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules static/build var
