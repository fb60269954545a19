#!/usr/bin/env bash
# Kitanda backup: a pg_dump of the database (custom format, restorable with deploy/restore.sh) and an
# archive of the uploaded media on the local disk, into BACKUP_DIR; older backups than
# BACKUP_KEEP_DAYS days are removed. Prints the files it wrote. Run nightly (kitanda-backup.timer).
#
#   DATABASE_URL         the database (required; BACKUP_DATABASE_URL, e.g. a replica, wins when set)
#   MEDIA_ROOT           local media folder (default: media/ in the project); skipped with MEDIA_STORAGE=s3,
#                        whose bucket keeps its own versions (turn on versioning and a lifecycle rule)
#   BACKUP_DIR           where the files go (default /var/backups/kitanda)
#   BACKUP_KEEP_DAYS     days kept (default 14)
# Copy BACKUP_DIR off the machine (another region, another account): a backup on the same disk is none.
set -euo pipefail

source_url="${BACKUP_DATABASE_URL:-${DATABASE_URL:?DATABASE_URL is required}}"
project="$(cd "$(dirname "$0")/.." && pwd)"
media_root="${MEDIA_ROOT:-$project/media}"
backup_dir="${BACKUP_DIR:-/var/backups/kitanda}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

umask 077
mkdir -p "$backup_dir"

dump="$backup_dir/kitanda-db-$stamp.dump"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$dump.partial" "$source_url"
mv "$dump.partial" "$dump"
echo "$dump"

if [ "${MEDIA_STORAGE:-filesystem}" != "s3" ] && [ -d "$media_root" ]; then
  media="$backup_dir/kitanda-media-$stamp.tar.gz"
  tar -czf "$media.partial" -C "$media_root" .
  mv "$media.partial" "$media"
  echo "$media"
fi

find "$backup_dir" -maxdepth 1 -type f \( -name 'kitanda-db-*.dump' -o -name 'kitanda-media-*.tar.gz' \) \
  -mtime +"$keep_days" -delete
