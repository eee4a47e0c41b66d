#!/usr/bin/env bash
# The dashboard under load: 16 concurrent clients for 20 s against gunicorn configured as
# in production (gunicorn.conf.py, DEBUG off), on loopback only, signed in as a manager, while a
# force's liaison officer posts a progress update every LOAD_WRITER_EVERY seconds (bench/writer.py,
# default 1; 0 for no writer). Every update moves the figures and drops the cached dashboard.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_scale bench/load.sh [seconds] [clients]
#
# Target: at least 150 requests a second, p99 at most 200 ms and no errors (non-2xx or socket
# errors). Needs wrk (Debian: apt-get install -y wrk). Exits 1 when the target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CLIENTS="${2:-16}"
PORT="${LOAD_PORT:-8765}"
: "${DATABASE_URL:?set DATABASE_URL=postgres://.../tracker_scale (the national-scale data)}"
command -v wrk >/dev/null || { echo "bench/load.sh needs wrk: apt-get install -y wrk" >&2; exit 2; }

export DEBUG=0 SECRET_KEY="${SECRET_KEY:-load-test-only-secret}" SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 \
  CSRF_COOKIE_SECURE=0 ALLOWED_HOSTS=127.0.0.1 STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
  BIND="127.0.0.1:${PORT}" WEB_CONCURRENCY="${WEB_CONCURRENCY:-5}" SITE_URL="http://127.0.0.1:${PORT}" \
  EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.locmem.EmailBackend}" SINGLE_MACHINE="${SINGLE_MACHINE:-1}"

# A signed-in session for a manager (sees everything), made directly in the session store.
COOKIE=$(.venv/bin/python - <<'PY'
import sys
sys.path.insert(0, "bench")
from django_setup import django_setup, session_cookie
django_setup()
from django.contrib.auth.models import Group
from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
user, _ = User.objects.get_or_create(username="load.manager")
user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.MANAGER]))
print(session_cookie(user))
PY
)

.venv/bin/gunicorn -c gunicorn.conf.py config.wsgi --access-logfile /dev/null >var/load-gunicorn.log 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null -H "Cookie: ${COOKIE}" "http://127.0.0.1:${PORT}/" && break
  sleep 0.2
done
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: ${COOKIE}" "http://127.0.0.1:${PORT}/")
if [ "$STATUS" != "200" ]; then
  echo "bench/load.sh: the dashboard answered ${STATUS}, not 200, for the signed-in session (var/load-gunicorn.log)" >&2
  exit 2
fi
# Warm every worker (and the shared cache) before measuring.
for _ in $(seq 1 10); do curl -fsS -o /dev/null -H "Cookie: ${COOKIE}" "http://127.0.0.1:${PORT}/"; done

WRITER_EVERY="${LOAD_WRITER_EVERY:-1}"
WRITER=""
if [ "$WRITER_EVERY" != "0" ]; then
  .venv/bin/python bench/writer.py --every "$WRITER_EVERY" >var/load-writer.log 2>&1 &
  WRITER=$!
  trap 'kill "$WRITER" 2>/dev/null || true; kill "$GUNICORN" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
  sleep 2  # its first update lands before the measurement starts
fi

OUT=$(wrk -t 2 -c "$CLIENTS" -d "${DURATION}s" --latency -H "Cookie: ${COOKIE}" "http://127.0.0.1:${PORT}/")
echo "$OUT"
if [ -n "$WRITER" ]; then
  kill -TERM "$WRITER"
  wait "$WRITER" 2>/dev/null || true
  cat var/load-writer.log
fi
RPS=$(echo "$OUT" | awk '/Requests\/sec/ {print $2}')
ERRORS=$(echo "$OUT" | awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",", ""); n+=$4+$6+$8+$10} END {print n+0}')
# wrk prints the 99th percentile with its unit (us, ms or s).
P99=$(echo "$OUT" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v*=1000}; print v}')
WRITING=$([ -n "$WRITER" ] && echo "an update every ${WRITER_EVERY} s" || echo "no writer")
echo "dashboard under load: ${CLIENTS} clients, ${DURATION} s, ${WRITING}: ${RPS} requests/s, p99 ${P99} ms, ${ERRORS} errors (target >= 150/s, p99 <= 200 ms, 0 errors)"
awk -v r="$RPS" -v p="$P99" -v e="$ERRORS" 'BEGIN {exit !(r >= 150 && p <= 200 && e == 0)}'
