# Tuki: `make run` starts the demo, `make test` runs the whole suite. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV := $(VENV)/.installed-dev
PORT ?= 8000

.PHONY: run test lint check-deploy install install-dev system-deps browser-deps mail-deps messages lock clean

run: install
	@bash scripts/run.sh $(PORT)

test: install-dev browser-deps mail-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check tuki tests bench
	$(BIN)/mypy tuki

check-deploy: install
	@bash scripts/check_deploy.sh

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Tuki needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=...)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): $(VENV)/bin/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(STAMP_DEV): $(STAMP_BASE) requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(STAMP_BASE) system-deps
install-dev: $(STAMP_DEV) system-deps

# Debian packages: gettext compiles translations. Installed when run as root, named otherwise.
system-deps:
	@bash scripts/system_deps.sh gettext libmagic1

# The browser tests drive Debian's Chromium; test tools may not download a browser of their own.
browser-deps:
	@bash scripts/system_deps.sh chromium fonts-dejavu-core
	@bash scripts/axe.sh

# The mail tests run a real IMAP server: Debian's Dovecot, started by the tests on a free port of their own.
mail-deps:
	@bash scripts/system_deps.sh dovecot-imapd

messages: install-dev
	cd tuki && ../$(BIN)/django-admin makemessages -l fi -l sv -l en --no-obsolete --no-location
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Regenerate the pinned requirements from pyproject.toml (needs network access to PyPI).
lock: $(VENV)/bin/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile -q pyproject.toml --python-version 3.11 -o requirements/base.txt
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.txt

clean:
	rm -rf $(VENV) var
