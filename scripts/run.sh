#!/usr/bin/env bash
# Start Tuki for development: migrate, seed the demo data into an empty database, then run the web server
# and the background worker together. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-${PORT:-8000}}"
bin=.venv/bin

$bin/python manage.py compilemessages --ignore=.venv -v0
$bin/python manage.py migrate --no-input -v0
$bin/python manage.py seed_demo --if-empty
$bin/python manage.py collectstatic --no-input -v0

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping Tuki..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

$bin/gunicorn tuki.wsgi:application --bind "127.0.0.1:${port}" --workers 2 --threads 4 \
  --access-logfile - --error-logfile - &
pids+=($!)
$bin/python manage.py run_huey &
pids+=($!)

echo
echo "Tuki is running at http://127.0.0.1:${port}/ (Ctrl-C stops the web server and the worker)."
# Whichever of the two stops first brings the other down too.
wait -n "${pids[@]}"
