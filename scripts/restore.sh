#!/usr/bin/env bash
# Restore a dump made by backup.sh into the (empty or existing) database named by DATABASE_URL.
# Objects in the dump replace those in the database (--clean --if-exists); one transaction.
# Usage: DATABASE_URL=postgres://... scripts/restore.sh path/to/tracker-<stamp>.dump [media.tar.gz]
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to restore into}"
dump="${1:?Give the dump file to restore}"
[ -f "$dump" ] || { echo "restore.sh: no such file: $dump" >&2; exit 2; }
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --dbname="$DATABASE_URL" "$dump"
if [ -n "${2:-}" ]; then
  media="${MEDIA_ROOT:-var/media}"
  mkdir -p "$media"
  tar -xzf "$2" -C "$media"
fi
echo "restored $dump"
