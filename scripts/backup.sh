#!/usr/bin/env bash
# Backs up the portal's data: the database (pg_dump's custom format of DATABASE_URL, or a
# consistent copy of the SQLite file in embedded mode), which holds every file the portal keeps
# (uploads, releases, extracts, the dashboard snapshot: the file store's tables, ADR 0024), with
# its checksum, into a new folder var/backups/<UTC time>/ (WRES_BACKUP_DIR instead of
# var/backups). Prints the folder's path. Used by `make backup`; `scripts/restore.sh` puts a
# backup back. Configuration is the portal's own environment (DATABASE_URL, SQLITE_PATH,
# WRES_FILE_STORE), read through its settings. With the files in S3 (WRES_FILE_STORE=s3) they
# are not in the backup: keep the bucket versioned and back it up with its own tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${WRES_PYTHON:-.venv/bin/python}

fail() { echo "backup: $*" >&2; exit 1; }
[ -x "$PY" ] || fail "no Python at $PY: run make setup first"

# What to back up, from the settings: "postgresql" or "sqlite", the database, the file store.
mapfile -t WHAT < <("$PY" scripts/backup_target.py backup)
[ ${#WHAT[@]} -eq 4 ] || fail "could not read the settings (see the message above)"
ENGINE=${WHAT[0]} DATABASE=${WHAT[1]} FILES=${WHAT[2]}
[ "$FILES" = database ] \
  || echo "backup: the files are kept in $FILES, not in the database: back them up there" >&2

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
DEST="${WRES_BACKUP_DIR:-var/backups}/$STAMP"
[ -e "$DEST" ] && DEST="$DEST-$$"
PARTIAL="$DEST.partial"
mkdir -p "$PARTIAL"
# A backup folder without `.partial` is complete: a failure leaves only the `.partial` one.
trap 'rm -rf "$PARTIAL"' EXIT

case "$ENGINE" in
  postgresql)
    [ -n "${DATABASE_URL:-}" ] || fail "the settings use PostgreSQL but DATABASE_URL is not set"
    command -v pg_dump >/dev/null || fail "pg_dump is missing (apt-get install postgresql-client)"
    pg_dump --format=custom --no-owner --no-privileges --file "$PARTIAL/database.pgdump" \
      "$DATABASE_URL" || fail "pg_dump of $DATABASE failed (see above)"
    ;;
  sqlite3)
    [ -f "$DATABASE" ] || fail "no SQLite database at $DATABASE"
    # SQLite's online backup: a consistent copy even while the portal writes (WAL included).
    "$PY" - "$DATABASE" "$PARTIAL/database.sqlite3" <<'PYTHON' || fail "copying $DATABASE failed"
import sqlite3, sys

source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
PYTHON
    ;;
  *) fail "cannot back up a database of engine $ENGINE" ;;
esac

{
  echo "created: $STAMP"
  echo "engine: $ENGINE"
  echo "database: $DATABASE"
  echo "files: $FILES"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
} > "$PARTIAL/backup.txt"
"$PY" manage.py showmigrations --plan > "$PARTIAL/migrations.txt" 2>/dev/null \
  || fail "could not list the applied migrations"
(cd "$PARTIAL" && sha256sum -- * > SHA256SUMS)
mv "$PARTIAL" "$DEST"
trap - EXIT
echo "$DEST"
