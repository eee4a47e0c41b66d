#!/usr/bin/env bash
# Back up the PostgreSQL database named by DATABASE_URL into a custom-format dump (pg_dump -Fc),
# and the evidence files (MEDIA_ROOT) into a tarball beside it.
# Usage: DATABASE_URL=postgres://... scripts/backup.sh [backup-dir]
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh: DATABASE_URL must be a PostgreSQL URL" >&2; exit 2;; esac
dir="${1:-var/backups}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
pg_dump --format=custom --no-owner --no-privileges --file="$dir/tracker-$stamp.dump" "$DATABASE_URL"
media="${MEDIA_ROOT:-var/media}"
if [ -d "$media" ]; then tar -czf "$dir/media-$stamp.tar.gz" -C "$media" .; fi
echo "$dir/tracker-$stamp.dump"
