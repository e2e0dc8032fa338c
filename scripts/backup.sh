#!/usr/bin/env bash
# Backs up one Rexian database with pg_dump's custom format (compressed, restorable table by table).
#   scripts/backup.sh [DATABASE_URL] [OUT_FILE]
# Defaults: $DATABASE_URL (or the dev database), backups/rexian-<UTC timestamp>.dump
# Personal data stays encrypted in the dump (*_enc columns); keep PII_KEY apart from the backups.
set -euo pipefail
DB_URL="${1:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rexian}}"
OUT="${2:-backups/rexian-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$OUT")"
TMP="$OUT.partial"
# --serializable-deferrable: a consistent snapshot that never blocks writers for long.
pg_dump --format=custom --compress=6 --no-owner --serializable-deferrable --dbname="$DB_URL" --file="$TMP"
# A dump that pg_restore cannot list is not a backup.
pg_restore --list "$TMP" >/dev/null
mv "$TMP" "$OUT"
echo "backup: $OUT ($(du -h "$OUT" | cut -f1))"
