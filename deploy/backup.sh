#!/usr/bin/env bash
# Backup: the database as a custom-format pg_dump, and the file store (MEDIA_ROOT, evidence under
# private/) as a tar with a SHA-256 checksum list of every file; restore with deploy/restore.sh.
# Usage: deploy/backup.sh /backups   (DATABASE_URL and MEDIA_ROOT from the environment; nightly from
# cron or a systemd timer). Writes /backups/greenfactory-STAMP/ whole or not at all:
#   database.dump   pg_dump --format=custom
#   files.tar.gz    MEDIA_ROOT's content
#   files.sha256    sha256sum of every file in it, paths relative to MEDIA_ROOT
#   SHA256SUMS      sha256sum of the three above (restore.sh checks it before anything else)
# Backups older than BACKUP_KEEP_DAYS (default 30) are removed.
set -euo pipefail
target="${1:?usage: backup.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?set DATABASE_URL}"
: "${MEDIA_ROOT:?set MEDIA_ROOT}"
keep="${BACKUP_KEEP_DAYS:-30}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$target/greenfactory-$stamp"
work="$final.partial"
mkdir -p "$work" "$MEDIA_ROOT"
trap 'rm -rf "$work"' EXIT

pg_dump --format=custom --no-owner --file "$work/database.dump" "$DATABASE_URL"
# The checksum list first, then the archive: a file added in between is in the archive but not in
# the list (harmless); a file removed in between fails this backup rather than producing a bad one.
(cd "$MEDIA_ROOT" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) >"$work/files.sha256"
tar -C "$MEDIA_ROOT" -czf "$work/files.tar.gz" .
(cd "$work" && sha256sum database.dump files.tar.gz files.sha256 >SHA256SUMS)

mv "$work" "$final"
trap - EXIT
echo "backup: $final ($(wc -l <"$final/files.sha256") files)"
find "$target" -maxdepth 1 -name 'greenfactory-*' -mtime "+$keep" -exec rm -rf {} +
# Backups written by earlier versions of this script.
find "$target" -maxdepth 1 \( -name 'greenfactory-*.dump' -o -name 'media-*.tar.gz' \) -mtime "+$keep" -delete
