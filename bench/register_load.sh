#!/usr/bin/env bash
# The public register under load: 16 concurrent clients for 20 s against gunicorn configured as in
# production (gunicorn.conf.py, DEBUG off), signed out, on a force page and a search served from
# the shared cache (CACHE_URL, e.g. redis://127.0.0.1:6379/9). The per-client rate limit is turned
# off for the run (every client is 127.0.0.1).
#
#   DATABASE_URL=postgres://.../tracker_scale CACHE_URL=redis://127.0.0.1:6379/9 bench/register_load.sh [seconds] [clients]
#
# Target: at least 300 requests a second on each page and no errors. Needs wrk. Exits 1 on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CLIENTS="${2:-16}"
PORT="${LOAD_PORT:-8766}"
: "${DATABASE_URL:?set DATABASE_URL=postgres://.../tracker_scale (the national-scale data)}"
command -v wrk >/dev/null || { echo "bench/register_load.sh needs wrk: apt-get install -y wrk" >&2; exit 2; }

export DEBUG=0 SECRET_KEY="${SECRET_KEY:-load-test-only-secret}" SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 \
  CSRF_COOKIE_SECURE=0 ALLOWED_HOSTS=127.0.0.1 STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
  BIND="127.0.0.1:${PORT}" WEB_CONCURRENCY="${WEB_CONCURRENCY:-5}" REGISTER_RATE_LIMIT=0 \
  SITE_URL="http://127.0.0.1:${PORT}" EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.locmem.EmailBackend}" \
  SINGLE_MACHINE="${SINGLE_MACHINE:-1}"

FORCE=$(.venv/bin/python - <<'PY'
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from inspections.models import TrackedItem
print(TrackedItem.objects.order_by("id").values_list("force__slug", flat=True).first())
PY
)

.venv/bin/gunicorn -c gunicorn.conf.py config.wsgi --access-logfile /dev/null >var/register-load-gunicorn.log 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
BASE="http://127.0.0.1:${PORT}"
for _ in $(seq 1 50); do curl -fsS -o /dev/null "${BASE}/register/" && break; sleep 0.2; done
MISSED=0
for URL in "/register/forces/${FORCE}/" "/register/search/?q=vetting&theme=vetting"; do
  for _ in $(seq 1 10); do curl -fsS -o /dev/null "${BASE}${URL}"; done  # warm every worker and the cache
  OUT=$(wrk -t 2 -c "$CLIENTS" -d "${DURATION}s" --latency "${BASE}${URL}")
  echo "$OUT"
  RPS=$(echo "$OUT" | awk '/Requests\/sec/ {print $2}')
  ERRORS=$(echo "$OUT" | awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",", ""); n+=$4+$6+$8+$10} END {print n+0}')
  echo "register ${URL} under load: ${CLIENTS} clients, ${DURATION} s: ${RPS} requests/s, ${ERRORS} errors (target >= 300/s, 0 errors)"
  awk -v r="$RPS" -v e="$ERRORS" 'BEGIN {exit !(r >= 300 && e == 0)}' || MISSED=1
done
exit "$MISSED"
