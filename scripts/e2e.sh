#!/usr/bin/env bash
# Browser tests against what ships: the built console served by the real server, on a fresh
# database with demo data. Installs Debian's Chromium if this machine lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: installing chromium (Debian package)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || { echo "e2e: could not install chromium; run 'apt-get install -y chromium' and retry" >&2; exit 1; }
fi

# Screenshots (docs/screenshots) are of Chinese screens: without a CJK font Chromium draws boxes.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ] && [ "$(id -u)" = 0 ]; then
  echo "e2e: installing a Chinese font (fonts-wqy-microhei) for the screenshots"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 \
    || echo "e2e: could not install fonts-wqy-microhei; screenshots will show boxes for Chinese text" >&2
fi

# Each run serves its own build: two runs in one checkout (a file while the suite runs) rebuilt the shared
# agent-console/dist under each other, and the first run's pages then failed to load their lazy chunks.
CONSOLE_OUT="$(mktemp -d -t rexian-e2e-console.XXXXXX)"
npx vite build --config agent-console/vite.config.ts --outDir "$CONSOLE_OUT" --emptyOutDir --logLevel warn >/dev/null
export CONSOLE_DIST="$CONSOLE_OUT"

DB="rexian_e2e_$(date +%s)_$$"
PORT="${E2E_PORT:-$((4100 + RANDOM % 800))}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export QUEUE_PREFIX="e2e-${DB}"
export LOG_LEVEL=warn
# The demo flag: published dev keys, /api/dev/sms for the SMS code, cookies without Secure on plain http.
export REXIAN_DEMO=1
CTI="e2e:e2e-cti-secret-$$"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database if exists \"${DB}\" with (force)" >/dev/null 2>&1 || true
  rm -rf "$CONSOLE_OUT"
}
trap cleanup EXIT

npx tsx server/platform/db/migrate.ts >/dev/null
npx tsx scripts/seed-demo.ts >/dev/null
# node itself (not npx), so the trap's signal reaches the server.
PORT="$PORT" CTI_KEYS="$CTI" node --import tsx server/main.ts &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:${PORT}/healthz" >/dev/null 2>&1 && break; sleep 0.3; done

# E2E_FILES narrows the run to some files (while working on one screen); the test command runs them all.
if [ -n "${E2E_FILES:-}" ]; then
  # shellcheck disable=SC2086 # the list is meant to split
  E2E_BASE_URL="http://127.0.0.1:${PORT}" E2E_CTI_KEY="$CTI" node --import tsx --test --test-concurrency=1 $E2E_FILES
else
  E2E_BASE_URL="http://127.0.0.1:${PORT}" E2E_CTI_KEY="$CTI" npm run --silent test:e2e
fi
