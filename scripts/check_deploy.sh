#!/usr/bin/env bash
# `manage.py check --deploy` with production settings: must report no issue at all.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TUKI_ENV=production \
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
ALLOWED_HOSTS=tuki.example.com \
TUKI_BASE_URL=https://tuki.example.com \
TUKI_VAR_DIR="$tmp" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
