#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into a database that must be new or empty.
#   scripts/restore.sh DUMP_FILE TARGET_DATABASE_URL
# Creates the target database when it does not exist; refuses to restore over one with tables.
set -euo pipefail
DUMP="${1:?usage: restore.sh DUMP_FILE TARGET_DATABASE_URL}"
TARGET="${2:?usage: restore.sh DUMP_FILE TARGET_DATABASE_URL}"
[ -r "$DUMP" ] || { echo "restore: cannot read $DUMP" >&2; exit 1; }
DB_NAME="$(basename "${TARGET%%\?*}")"
ADMIN_URL="${TARGET%/*}/postgres"
if ! psql "$ADMIN_URL" -Atqc "select 1 from pg_database where datname = '$DB_NAME'" | grep -q 1; then
  psql "$ADMIN_URL" -qc "create database \"$DB_NAME\""
fi
TABLES="$(psql "$TARGET" -Atqc "select count(*) from pg_tables where schemaname not in ('pg_catalog','information_schema')")"
if [ "$TABLES" != "0" ]; then
  echo "restore: $DB_NAME already has $TABLES tables; restore into a new database" >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$TARGET" "$DUMP"
echo "restore: $DUMP → $DB_NAME"
