#!/usr/bin/env bash
# make loadtest: the demo on a fresh local PostgreSQL database, served as the README's production
# section says (gunicorn -c deploy/gunicorn.conf.py), 20 simulated people for 60 s (locust,
# headless). Prints locust's table; the home page's 95th percentile is the figure to watch.
# LOADTEST_USERS, LOADTEST_SECONDS, GUNICORN_WORKERS and GUNICORN_CMD change the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
PGHOST=${PGHOST:-127.0.0.1}
DB=thaksa_loadtest
PORT=${LOADTEST_PORT:-8765}
psql -h "$PGHOST" -U postgres -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DATABASE_URL="postgresql+psycopg://postgres@${PGHOST}:5432/$DB"
export FLASK_APP=lms:create_app LMS_ENV=production SESSION_COOKIE_SECURE=false
export SECRET_KEY=loadtest-secret-key-only-for-this-local-run-0123456789
export UPLOAD_DIR="$(mktemp -d)" PDF_CACHE_DIR="$(mktemp -d)"
# Twenty people share five demo accounts and one address: the log-in and PDF limits (which
# protect a real installation) would only measure themselves here.
export LOGIN_RATE_LIMIT="10000 per minute" LOGIN_ACCOUNT_RATE_LIMIT="10000 per minute"
export PDF_RATE_LIMIT="10000 per minute" GUNICORN_BIND="127.0.0.1:$PORT"
.venv/bin/flask lms init >/dev/null
.venv/bin/flask lms demo >/dev/null
CMD=${GUNICORN_CMD:-".venv/bin/gunicorn -c deploy/gunicorn.conf.py lms:create_app()"}
echo "== $CMD (workers: ${GUNICORN_WORKERS:-default}) on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
$CMD >/tmp/thaksa-loadtest-gunicorn.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; psql -h "$PGHOST" -U postgres -q -c "DROP DATABASE IF EXISTS $DB"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
.venv/bin/locust -f tests/load/locustfile.py --headless --only-summary \
  -u "${LOADTEST_USERS:-20}" -r 10 -t "${LOADTEST_SECONDS:-60}s" \
  --host "http://127.0.0.1:$PORT" 2>&1 | sed -n '/Type/,$p'
