#!/usr/bin/env bash
# Tuki's production layout on one machine: nginx terminating TLS (a generated certificate) and serving the static
# files, two gunicorn instances behind it, two Huey consumers, PostgreSQL, Redis, and an S3-compatible server
# (moto) for the stored files. The same files as deploy/ (the nginx site, gunicorn's settings, the environment of
# tuki.env.example), the same commands as the systemd units.
#
#   scripts/production_demo.sh            start, print the address, stop everything on Ctrl-C
#   scripts/production_demo.sh start      start, print the address and return (stop it later with `stop`)
#   scripts/production_demo.sh stop       stop what `start` started
#   scripts/production_demo.sh restore-check   back up, drop, restore and count (docs/deploy.md, "Backups")
#   scripts/production_demo.sh manage ARGS...  manage.py with the layout's environment (a consumer started again,
#                                              the MTA's pipe: `manage mail_intake < message.eml`)
#   scripts/production_demo.sh mailgate < message.eml   the MTA's pipe through scripts/mailgate.py and nginx
#
# Everything lives under var/production/ (TUKI_RUN_DIR). PostgreSQL and Redis are the machine's services, as in
# production: DATABASE_URL (postgres://postgres@127.0.0.1:5432/tuki_production, created when missing) and
# REDIS_URL (redis://127.0.0.1:6379/0). Ports: TUKI_HTTPS_PORT (8443), TUKI_HTTP_PORT (8080, redirects),
# TUKI_WEB_PORTS ("8110 8111"), TUKI_S3_PORT (8112).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/.venv/bin
run=${TUKI_RUN_DIR:-$root/var/production}
https_port=${TUKI_HTTPS_PORT:-8443}
http_port=${TUKI_HTTP_PORT:-8080}
web_ports=${TUKI_WEB_PORTS:-"8110 8111"}
s3_port=${TUKI_S3_PORT:-8112}
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tuki_production}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379/0}
base_url="https://127.0.0.1:${https_port}"

say() { echo "production-demo: $*"; }

# The environment every Tuki process of the layout gets: deploy/tuki.env.example with this machine's values.
tuki_environment() {
  export TUKI_ENV=production
  export SECRET_KEY_FILE="$run/secrets/secret_key"
  export ALLOWED_HOSTS=127.0.0.1,localhost
  export TUKI_BASE_URL="$base_url"
  export TUKI_BEHIND_PROXY=1 TUKI_TRUSTED_PROXIES=1
  export TUKI_VAR_DIR="$run/var"
  export DATABASE_URL="$database_url" REDIS_URL="$redis_url"
  export TUKI_S3_BUCKET=tuki-demo TUKI_S3_ENDPOINT_URL="http://127.0.0.1:${s3_port}" TUKI_S3_REGION=eu-north-1
  export TUKI_S3_ACCESS_KEY_ID=tuki-demo TUKI_S3_SECRET_ACCESS_KEY_FILE="$run/secrets/s3_secret"
  # No mail server here: each message is written under var/production/var/mail/ and logged in one line.
  export EMAIL_HOST=
  export TUKI_METRICS_ALLOWED_ADDRESSES=127.0.0.1/32,::1/128 TUKI_METRICS_TOKEN_FILE="$run/secrets/metrics_token"
  export TUKI_MAIL_GATE_TOKEN_FILE="$run/secrets/mail_gate_token"
  export PROMETHEUS_MULTIPROC_DIR="$run/metrics"
  export TUKI_LOG_FORMAT=json TZ="${TZ:-Europe/Helsinki}"
  # HSTS for an hour, not a year: this certificate is made up and the address is someone's loopback.
  export SECURE_HSTS_SECONDS=3600 SECURE_HSTS_PRELOAD=0
}

pidfile() { echo "$run/pids/$1.pid"; }

start_process() {  # name, command...: in the background, its output in logs/name.log
  local name=$1; shift
  "$@" >>"$run/logs/$name.log" 2>&1 &
  echo $! >"$(pidfile "$name")"
}

wait_for() {  # what, command...: retry for a minute
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  say "$what did not come up; see $run/logs/"; return 1
}

secrets_and_certificate() {
  mkdir -p "$run/secrets" "$run/tls" && chmod 700 "$run/secrets"
  for name in secret_key s3_secret metrics_token mail_gate_token; do
    [ -s "$run/secrets/$name" ] || "$bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$run/secrets/$name"
  done
  if [ ! -s "$run/tls/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$run/tls/key.pem" -out "$run/tls/cert.pem" 2>/dev/null
    chmod 600 "$run/tls/key.pem"
  fi
}

check_services() {
  pg_isready -d "$database_url" -q || { say "PostgreSQL does not answer at $database_url"; exit 1; }
  local admin=${database_url%/*}/postgres name=${database_url##*/}
  name=${name%%\?*}
  if ! psql "$database_url" -qAtc 'select 1' >/dev/null 2>&1; then
    say "creating the database $name"
    psql "$admin" -qc "CREATE DATABASE \"$name\""
  fi
  "$bin/python" -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).ping()' \
    || { say "Redis does not answer at $redis_url"; exit 1; }
}

start_s3() {
  start_process s3 "$bin/python" -m moto.server -H 127.0.0.1 -p "$s3_port"
  wait_for "the S3 server" curl -sf "http://127.0.0.1:${s3_port}/moto-api/"
  "$bin/python" - <<'EOF'
import os, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["TUKI_S3_ENDPOINT_URL"], region_name=os.environ["TUKI_S3_REGION"],
                  aws_access_key_id=os.environ["TUKI_S3_ACCESS_KEY_ID"],
                  aws_secret_access_key=open(os.environ["TUKI_S3_SECRET_ACCESS_KEY_FILE"]).read().strip())
if os.environ["TUKI_S3_BUCKET"] not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
    s3.create_bucket(Bucket=os.environ["TUKI_S3_BUCKET"],
                     CreateBucketConfiguration={"LocationConstraint": os.environ["TUKI_S3_REGION"]})
EOF
}

nginx_config() {
  local upstreams="" port
  for port in $web_ports; do upstreams+="    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;"$'\n'; done
  mkdir -p "$run/nginx/tmp"
  # The workers of a root master run as nobody: they read the static files and write the request buffers.
  [ "$(id -u)" -eq 0 ] && chown nobody "$run/nginx/tmp" && chmod -R a+rX "$run/var/static"
  TUKI_UPSTREAMS="$upstreams" TUKI_SERVER_NAME="127.0.0.1 localhost" TUKI_HTTPS_PORT=$https_port \
  TUKI_HTTP_PORT=$http_port TUKI_TLS_CERT="$run/tls/cert.pem" TUKI_TLS_KEY="$run/tls/key.pem" \
  TUKI_STATIC_ROOT="$run/var/static" TUKI_NGINX_LOGS="$run/logs" TUKI_NGINX_PROXY_PARAMS="$root/deploy/nginx/tuki_proxy.conf" \
    envsubst '${TUKI_UPSTREAMS} ${TUKI_SERVER_NAME} ${TUKI_HTTPS_PORT} ${TUKI_HTTP_PORT} ${TUKI_TLS_CERT} ${TUKI_TLS_KEY} ${TUKI_STATIC_ROOT} ${TUKI_NGINX_LOGS} ${TUKI_NGINX_PROXY_PARAMS}' \
    <deploy/nginx/tuki.conf >"$run/nginx/tuki.conf"
  # The main configuration Debian's /etc/nginx/nginx.conf would be, with every path under the run directory.
  cat >"$run/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $run/pids/nginx.pid;
error_log $run/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    server_tokens off;
    client_body_temp_path $run/nginx/tmp/body;
    proxy_temp_path $run/nginx/tmp/proxy;
    fastcgi_temp_path $run/nginx/tmp/fastcgi;
    uwsgi_temp_path $run/nginx/tmp/uwsgi;
    scgi_temp_path $run/nginx/tmp/scgi;
    include $run/nginx/tuki.conf;
}
EOF
}

start() {
  if [ -s "$(pidfile nginx)" ] && kill -0 "$(cat "$(pidfile nginx)")" 2>/dev/null; then
    say "already running at $base_url/ (scripts/production_demo.sh stop)"; exit 1
  fi
  command -v nginx >/dev/null || { say "nginx is missing: make production-demo installs it (Debian's nginx)"; exit 1; }
  mkdir -p "$run/logs" "$run/pids" "$run/var"
  rm -rf "$run/metrics" && mkdir -p "$run/metrics"  # prometheus_client: emptied before the processes start
  secrets_and_certificate
  tuki_environment
  check_services
  start_s3

  "$bin/python" manage.py compilemessages --ignore=.venv -v0
  "$bin/python" manage.py migrate --no-input -v0
  "$bin/python" manage.py seed_demo --if-empty --quiet-logins
  "$bin/python" manage.py collectstatic --no-input -v0

  local port n
  for port in $web_ports; do
    TUKI_BIND="127.0.0.1:$port" start_process "web-$port" "$bin/gunicorn" -c deploy/gunicorn.conf.py tuki.wsgi:application
  done
  for n in 1 2; do start_process "worker-$n" "$bin/python" manage.py run_huey; done
  for port in $web_ports; do wait_for "gunicorn on $port" curl -sf "http://127.0.0.1:$port/healthz"; done

  nginx_config
  nginx -t -q -c "$run/nginx/nginx.conf" -g "daemon on;"
  nginx -c "$run/nginx/nginx.conf" -g "daemon on;"
  wait_for "nginx" curl -sfk "$base_url/readyz"

  echo
  "$bin/python" manage.py demo_logins
  echo
  say "Tuki is running at $base_url/ (a self-signed certificate: $run/tls/cert.pem)"
  say "metrics: curl -k -H \"Authorization: Bearer \$(cat $run/secrets/metrics_token)\" $base_url/metrics"
  say "logs under $run/logs/, mail under $run/var/mail/"
}

stop() {
  local file name pid
  for file in "$run"/pids/*.pid; do
    [ -e "$file" ] || continue
    name=$(basename "$file" .pid)
    pid=$(cat "$file" 2>/dev/null) || continue
    # Huey finishes the jobs in hand on SIGINT (as systemd's KillSignal); gunicorn drains on SIGTERM.
    # nginx finishes the requests in hand on SIGQUIT.
    case $name in
      worker-*) kill -INT "$pid" 2>/dev/null || true ;;
      nginx) kill -QUIT "$pid" 2>/dev/null || true ;;
      *) kill -TERM "$pid" 2>/dev/null || true ;;
    esac
  done
  for file in "$run"/pids/*.pid; do
    pid=$(cat "$file" 2>/dev/null) || continue  # nginx removes its own on the way out
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$file"
  done
  say "stopped"
}

restore_check() {
  # Back up (pg_dump and the bucket), drop the database, restore both, and compare the row counts and files.
  tuki_environment
  local backup="$run/backup" name=${database_url##*/} admin=${database_url%/*}/postgres
  mkdir -p "$backup"
  count() { psql "$database_url" -qAt -c "select (select count(*) from tickets_ticket)||' '||(select count(*) from tickets_attachment)||' '||(select count(*) from tickets_ticketevent)"; }
  local before; before="$(count) files $("$bin/python" scripts/bucket_sync.py count)"
  rm -rf "$backup/files"
  pg_dump --format=custom --no-owner --file="$backup/tuki.dump" "$database_url"
  "$bin/python" scripts/bucket_sync.py download "$backup/files"
  say "backed up: requests, attachments, events, stored files = $before"
  psql "$admin" -qc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$name' AND pid <> pg_backend_pid()" >/dev/null
  psql "$admin" -qc "DROP DATABASE \"$name\""
  psql "$admin" -qc "CREATE DATABASE \"$name\""
  "$bin/python" scripts/bucket_sync.py empty  # as if the bucket had been lost too
  pg_restore --no-owner --exit-on-error --dbname="$database_url" "$backup/tuki.dump"
  "$bin/python" scripts/bucket_sync.py upload "$backup/files"
  local after; after="$(count) files $("$bin/python" scripts/bucket_sync.py count)"
  say "restored: requests, attachments, events, stored files = $after"
  [ "$before" = "$after" ] || { say "the counts differ"; exit 1; }
}

case "${1:-run}" in
  start) start ;;
  stop) stop ;;
  restore-check) restore_check ;;
  manage) shift; tuki_environment; exec "$bin/python" manage.py "$@" ;;
  # The system's Python, as the mail server would run it (a version manager's shim costs a tenth of a second).
  mailgate) python=/usr/bin/python3; [ -x "$python" ] || python="$bin/python"
    exec "$python" -I -S scripts/mailgate.py --url "$base_url/mail/inbound" \
    --token-file "$run/secrets/mail_gate_token" --cafile "$run/tls/cert.pem" ;;
  run)
    trap 'stop; exit 0' INT TERM
    start
    say "Ctrl-C stops everything"
    while sleep 3600; do :; done
    ;;
  *) echo "usage: $0 [start|stop|restore-check|manage ARGS...|mailgate]"; exit 2 ;;
esac
