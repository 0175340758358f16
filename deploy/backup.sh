#!/usr/bin/env bash
# Nightly backup: a custom-format PostgreSQL dump and the private media folder, kept for 30 days.
# Usage: deploy/backup.sh /backups   (DATABASE_URL and MEDIA_ROOT come from the environment)
set -euo pipefail
target="${1:?backup folder}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --file "$target/greenfactory-$stamp.dump" "$DATABASE_URL"
tar -C "$(dirname "$MEDIA_ROOT")" -czf "$target/media-$stamp.tar.gz" "$(basename "$MEDIA_ROOT")"
find "$target" -name 'greenfactory-*.dump' -mtime +30 -delete
find "$target" -name 'media-*.tar.gz' -mtime +30 -delete
