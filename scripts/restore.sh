#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh: REPLACES the database named by the environment
# (DATABASE_URL, or SQLITE_PATH in embedded mode), and with it every file the portal keeps in
# the file store's tables (ADR 0024), with the backup's. Refuses unless confirmed (--yes, or
# WRES_RESTORE_CONFIRM=yes), after checking the backup's checksums and that it is of the same
# kind of database. A backup made before ADR 0024 also holds uploads.tar.gz: its files are put
# back into MEDIA_ROOT/uploads (the folder replaced is kept beside it,
# uploads.before-restore-<time>); then run `manage.py move_files_to_store`.
#   scripts/restore.sh var/backups/<time> --yes      (make restore BACKUP=... CONFIRM=yes)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${WRES_PYTHON:-.venv/bin/python}

fail() { echo "restore: $*" >&2; exit 1; }
BACKUP=${BACKUP:-}
CONFIRMED=${WRES_RESTORE_CONFIRM:-}
for arg in "$@"; do
  case "$arg" in
    --yes) CONFIRMED=yes ;;
    -*) fail "unknown option $arg (usage: restore.sh BACKUP_FOLDER [--yes])" ;;
    *) BACKUP=$arg ;;
  esac
done
[ -n "$BACKUP" ] || fail "which backup? Usage: make restore BACKUP=var/backups/<time> CONFIRM=yes"
[ -d "$BACKUP" ] || fail "no backup folder at $BACKUP"
[ -f "$BACKUP/SHA256SUMS" ] || fail "$BACKUP is not a complete backup (SHA256SUMS missing)"
(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS) \
  || fail "$BACKUP is damaged: its files do not match SHA256SUMS"
[ -x "$PY" ] || fail "no Python at $PY: run make setup first"

mapfile -t WHAT < <("$PY" scripts/backup_target.py restore)
[ ${#WHAT[@]} -eq 4 ] || fail "could not read the settings (see the message above)"
ENGINE=${WHAT[0]} DATABASE=${WHAT[1]} FILES=${WHAT[2]} UPLOADS=${WHAT[3]}

case "$ENGINE" in
  postgresql) DUMP="$BACKUP/database.pgdump" ;;
  sqlite3) DUMP="$BACKUP/database.sqlite3" ;;
  *) fail "cannot restore into a database of engine $ENGINE" ;;
esac
[ -f "$DUMP" ] || fail "$BACKUP holds no $(basename "$DUMP"): it is a backup of another kind of \
database than this one ($ENGINE, $DATABASE)"

if [ "$CONFIRMED" != yes ]; then
  echo "restore: this REPLACES the database $DATABASE ($ENGINE), with the files it keeps," >&2
  echo "  with the backup in $BACKUP." >&2
  echo "  To go ahead: scripts/restore.sh $BACKUP --yes   (or make restore BACKUP=$BACKUP CONFIRM=yes)" >&2
  exit 2
fi

case "$ENGINE" in
  postgresql)
    [ -n "${DATABASE_URL:-}" ] || fail "the settings use PostgreSQL but DATABASE_URL is not set"
    command -v pg_restore >/dev/null || fail "pg_restore is missing (apt-get install postgresql-client)"
    # One transaction: a restore that fails leaves the database as it was.
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
      --exit-on-error --dbname "$DATABASE_URL" "$DUMP" \
      || fail "pg_restore into $DATABASE failed; nothing was changed (see above)"
    ;;
  sqlite3)
    "$PY" - "$DUMP" "$DATABASE" <<'PYTHON' || fail "copying into $DATABASE failed"
import sqlite3, sys

source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
PYTHON
    ;;
esac

[ "$FILES" = database ] \
  || echo "restore: the files are kept in $FILES, not in the database: restore them there" >&2
if [ ! -f "$BACKUP/uploads.tar.gz" ]; then
  echo "restore: $BACKUP restored into $DATABASE (files included)"
  exit 0
fi
# A backup from before ADR 0024: its uploads go back to disk, for move_files_to_store.
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
INCOMING="$UPLOADS.restoring-$STAMP"
mkdir -p "$INCOMING"
tar -C "$INCOMING" -xzf "$BACKUP/uploads.tar.gz" || { rm -rf "$INCOMING"; fail "unpacking the uploads failed"; }
if [ -e "$UPLOADS" ]; then
  mv "$UPLOADS" "$UPLOADS.before-restore-$STAMP"
  echo "restore: the uploads folder it replaced is kept at $UPLOADS.before-restore-$STAMP"
fi
mv "$INCOMING" "$UPLOADS"
echo "restore: $BACKUP restored into $DATABASE and $UPLOADS"
echo "restore: now run: manage.py move_files_to_store   (puts those files into the store)"
