#!/usr/bin/env bash
# Kitanda restore: puts a backup of deploy/backup.sh back.
#
#   deploy/restore.sh --yes DB_DUMP [MEDIA_ARCHIVE]
#
# The dump goes into DATABASE_URL in one transaction (the objects it holds are dropped and recreated;
# an empty database is fine); the media archive is unpacked into MEDIA_ROOT (default: media/ in the
# project). Stop the app servers and workers first. --yes is required: this replaces data.
set -euo pipefail

if [ "${1:-}" != "--yes" ] || [ -z "${2:-}" ]; then
  echo "usage: DATABASE_URL=... $0 --yes DB_DUMP [MEDIA_ARCHIVE]  (replaces the database's data)" >&2
  exit 2
fi
dump="$2"
media="${3:-}"
target_url="${DATABASE_URL:?DATABASE_URL is required}"
project="$(cd "$(dirname "$0")/.." && pwd)"
media_root="${MEDIA_ROOT:-$project/media}"

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$target_url" "$dump"
echo "database restored from $dump"

if [ -n "$media" ]; then
  mkdir -p "$media_root"
  tar -xzf "$media" -C "$media_root"
  echo "media restored into $media_root"
fi
