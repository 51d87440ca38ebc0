# Tuki: `make run` starts the demo, `make test` runs the whole suite. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV := $(VENV)/.installed-dev
PORT ?= 8000

.PHONY: run test lint check-deploy production-demo install install-dev system-deps browser-deps mail-deps production-deps messages lock clean

run: install
	@bash scripts/run.sh $(PORT)

test: install-dev browser-deps mail-deps production-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check tuki tests bench
	$(BIN)/mypy tuki

check-deploy: install
	@bash scripts/check_deploy.sh

# The production layout on this machine (docs/deploy.md): nginx with TLS, two web servers, two workers, PostgreSQL,
# Redis and an S3-compatible server. Ctrl-C stops it all.
production-demo: install-dev production-deps
	@bash scripts/production_demo.sh

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Tuki needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=...)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Every package comes from a lock that lists its hashes, and pip is told to require them: a file whose hash is
# not listed (tampered with, or substituted on the index) fails the install. That holds for pip itself and
# setuptools too (requirements/build.txt). Wheels only: building an sdist would fetch its build tools unchecked.
# The project's own code is installed last without dependencies or build isolation, so it downloads nothing.
# dkimpy is published only as source: it is built with the locked setuptools and without build isolation, so
# its build fetches nothing unchecked either.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: --no-binary dkimpy \
	--no-build-isolation

$(STAMP_BASE): $(VENV)/bin/python requirements/build.txt requirements/base.txt pyproject.toml
	$(PIP_INSTALL) -r requirements/build.txt
	$(PIP_INSTALL) -r requirements/base.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(STAMP_DEV): $(STAMP_BASE) requirements/dev.txt
	$(PIP_INSTALL) -r requirements/dev.txt
	@touch $@

install: $(STAMP_BASE) system-deps
install-dev: $(STAMP_DEV) system-deps

# Debian packages: gettext compiles translations; Voikko (libvoikko1, voikko-fi) analyses Finnish for search;
# WeasyPrint lays out the monthly report's PDF with Pango and HarfBuzz (libpango-1.0-0, libpangoft2-1.0-0,
# libharfbuzz-subset0) in the DejaVu fonts (fonts-dejavu-core); the tests read the PDF back with poppler-utils.
# Installed when run as root, named otherwise.
system-deps:
	@bash scripts/system_deps.sh gettext libmagic1 libvoikko1 voikko-fi libpango-1.0-0 libpangoft2-1.0-0 \
		libharfbuzz-subset0 fonts-dejavu-core poppler-utils

# The browser tests drive Debian's Chromium; test tools may not download a browser of their own.
browser-deps:
	@bash scripts/system_deps.sh chromium fonts-dejavu-core
	@bash scripts/axe.sh

# The mail tests run a real IMAP server: Debian's Dovecot, started by the tests on a free port of their own.
mail-deps:
	@bash scripts/system_deps.sh dovecot-imapd

# The production layout (and its smoke test in `make test`): Debian's nginx in front, openssl for its certificate, envsubst for its site file, the
# PostgreSQL client tools for migrations' checks and backups (pg_dump, pg_restore), curl for its readiness checks.
production-deps:
	@bash scripts/system_deps.sh nginx openssl gettext-base postgresql-client curl

messages: install-dev
	cd tuki && ../$(BIN)/django-admin makemessages -l fi -l sv -l en --no-obsolete --no-location
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Regenerate the pinned requirements, with the hashes of every file of every pinned version (needs network
# access to PyPI). uv keeps the versions already pinned in each output file unless pyproject.toml or an .in
# file asks for others, so running it again changes nothing; `make lock UPGRADE=1` moves to the newest.
# uv itself is installed from its own hashed lock (requirements/uv.txt, made here too).
UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: $(VENV)/bin/python
	$(PIP_INSTALL) -r requirements/uv.txt
	$(UV_COMPILE) requirements/uv.in -o requirements/uv.txt
	$(UV_COMPILE) requirements/build.in -o requirements/build.txt
	$(UV_COMPILE) pyproject.toml -o requirements/base.txt
	$(UV_COMPILE) pyproject.toml --extra dev -o requirements/dev.txt

clean:
	rm -rf $(VENV) var
