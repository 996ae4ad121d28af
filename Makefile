# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test bench loadtest lint messages messages-update setup migrate demo clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Compiled message catalogues, so a fresh machine shows Vietnamese.
messages: locale/vi/LC_MESSAGES/django.mo

locale/vi/LC_MESSAGES/django.mo: locale/vi/LC_MESSAGES/django.po $(BIN)/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

# After adding or changing user-facing strings: refresh the Vietnamese catalogue, then translate the new
# (empty) and changed (`#, fuzzy`) entries in locale/vi/LC_MESSAGES/django.po; tests/test_i18n.py checks it.
messages-update: $(BIN)/.installed
	$(BIN)/python manage.py makemessages --locale=vi --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=test-artifacts --ignore=var

setup: $(BIN)/.installed messages
	mkdir -p var/mail var/broker/queue var/broker/processed var/media
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py setup_schedule -v0
	$(BIN)/python manage.py collectstatic --no-input -v0

demo: setup
	$(BIN)/python manage.py seed_demo

# Web server (on port 8000, or $$PORT), Celery worker and Celery beat together; Ctrl-C stops all three.
# honcho numbers its processes' ports from 5000 unless told: the web server takes the first.
run: demo
	$(BIN)/honcho start -f Procfile --port $${PORT:-8000}

# The test settings, whatever the shell exports (pytest-django prefers the environment to pyproject.toml).
test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: $(BIN)/.installed messages
	mkdir -p test-artifacts
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Ten years of data in PostgreSQL, then one table of figures (see BENCHMARKS.md). Takes a few minutes;
# BENCH_ASSIGNMENTS / BENCH_REPORTS shrink it, BENCH_REUSE=1 keeps the data of the last run.
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
bench: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/9
bench: export DJANGO_SETTINGS_MODULE = bench.settings
bench: $(BIN)/.installed messages
	$(BIN)/python -m bench

# 50 mission heads browsing the portal and filing reports for 60 s against gunicorn on loopback (locust), on the
# bench's database; prints the figures. Not part of `make test`.
loadtest: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
loadtest: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/9
loadtest: export DJANGO_SETTINGS_MODULE = bench.settings
loadtest: $(BIN)/.installed messages
	$(BIN)/python -m bench.loadtest

lint: $(BIN)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf var db.sqlite3 staticfiles test-artifacts
