#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh into a fresh (empty) database and an empty file folder.
# Usage: deploy/restore.sh /backups/greenfactory-STAMP
#   DATABASE_URL  the database to restore into: it must exist and be empty (createdb NAME first)
#   MEDIA_ROOT    the file folder to restore into: missing, or holding no files (empty folders are fine)
# Every checksum is verified before the database is touched: the backup's own (SHA256SUMS), then
# every restored file's (files.sha256). Nothing is overwritten; on any error it stops with status 1.
set -euo pipefail
backup="$(cd "${1:?usage: restore.sh BACKUP_FOLDER}" && pwd)"
: "${DATABASE_URL:?set DATABASE_URL}"
: "${MEDIA_ROOT:?set MEDIA_ROOT}"
fail() { echo "restore: $*" >&2; exit 1; }

[ -f "$backup/SHA256SUMS" ] || fail "$backup holds no SHA256SUMS: not a backup of deploy/backup.sh"
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) || fail "the backup's own checksums do not match"
if [ -d "$MEDIA_ROOT" ] && [ -n "$(find "$MEDIA_ROOT" -type f -print -quit)" ]; then
  fail "$MEDIA_ROOT holds files; restore into a fresh folder"
fi
tables="$(psql "$DATABASE_URL" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" \
  || fail "cannot reach the database in DATABASE_URL (create it first: createdb NAME)"
[ "$tables" = "0" ] || fail "the database already has $tables tables; restore into a fresh database"

staging="$(dirname "$MEDIA_ROOT")/.$(basename "$MEDIA_ROOT").restoring"
rm -rf "$staging"
mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT
tar -C "$staging" -xzf "$backup/files.tar.gz"
(cd "$staging" && sha256sum --check --quiet --strict "$backup/files.sha256") \
  || fail "restored files do not match their checksums"

pg_restore --no-owner --exit-on-error --single-transaction --dbname "$DATABASE_URL" "$backup/database.dump"

mkdir -p "$MEDIA_ROOT"
cp -a "$staging"/. "$MEDIA_ROOT"/
echo "restore: database and $(wc -l <"$backup/files.sha256") files restored from $backup; checksums verified"
echo "restore: next, run manage.py migrate (a newer release) and restart the web, worker and beat services"
