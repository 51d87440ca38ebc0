#!/usr/bin/env bash
# Start Tuki for development: migrate, seed the demo data into an empty database, then run the web server
# and the background worker together. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-${PORT:-8000}}"
bin=.venv/bin

# Links in mail point where this server listens, unless told otherwise.
export TUKI_BASE_URL="${TUKI_BASE_URL:-http://127.0.0.1:${port}}"
# The web server's own lines in the same zone as the application's (settings.TIME_ZONE).
export TZ="${TZ:-Europe/Helsinki}"

$bin/python manage.py compilemessages --ignore=.venv -v0
$bin/python manage.py migrate --no-input -v0
$bin/python manage.py seed_demo --if-empty --quiet-logins
$bin/python manage.py collectstatic --no-input -v0

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping Tuki..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

# Paths are logged without their query strings: the calendar feed's secret token travels in one.
$bin/gunicorn tuki.wsgi:application --bind "127.0.0.1:${port}" --workers 2 --threads 4 \
  --access-logfile - --error-logfile - \
  --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s' &
pids+=($!)
$bin/python manage.py run_huey &
pids+=($!)

# The logins and the address come last, once the server answers and the worker has sent the demo's mail.
$bin/python manage.py demo_logins --when-ready 60 --address "${TUKI_BASE_URL}/"
# Whichever of the two stops first brings the other down too.
wait -n "${pids[@]}"
