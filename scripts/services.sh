#!/usr/bin/env bash
# PostgreSQL and Redis for the tests and the demo (real services, no mocks), on 127.0.0.1:5432 and :6379.
#
# On a fresh Debian machine with only Node, run as root it installs both from Debian's packages
# (postgresql, redis-server), lets the `postgres` role connect over loopback without a password
# (what the tests and the demo's default DATABASE_URL use: postgres://postgres@127.0.0.1:5432/...),
# and starts them. Not root and something missing: it prints the one command to run. Where both
# already answer, it does nothing. Supported: PostgreSQL 15-17, Redis 7 (Debian 12 and 13 packages).
#
#   bash scripts/services.sh            # detect, install if needed, configure, start
#   bash scripts/services.sh --dry-run  # print what it would do, change nothing (also SERVICES_DRY_RUN=1)
set -euo pipefail

DRY="${SERVICES_DRY_RUN:-}"
[ "${1:-}" = "--dry-run" ] && DRY=1
say() { echo "services: $*"; }
# Changes to the machine go through `act`, so --dry-run shows them instead.
act() { if [ -n "$DRY" ]; then say "would run: $*"; else "$@"; fi; }

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
pg_login() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -w -Atqc 'select 1' >/dev/null 2>&1; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
pg_installed() { command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }
redis_installed() { command -v redis-server >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }
# The newest installed major version (Debian keeps each under /usr/lib/postgresql/<major>).
pg_version() { ls /usr/lib/postgresql | grep -E '^[0-9]+$' | sort -n | tail -1; }

if pg_up && pg_login && redis_up; then
  [ -n "$DRY" ] && say "PostgreSQL and Redis already answer on 127.0.0.1; nothing to do"
  exit 0
fi

# 1. Install what is missing (Debian packages), as root only.
need=()
pg_up || pg_installed || need+=(postgresql)
redis_up || redis_installed || need+=(redis-server)
if [ "${#need[@]}" -gt 0 ]; then
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    say "missing: ${need[*]}. Install and start them with:" >&2
    echo "  sudo bash scripts/services.sh" >&2
    exit 1
  fi
  say "installing ${need[*]} (Debian packages)"
  act apt-get update -qq
  act env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# 2. PostgreSQL: a cluster, loopback login for `postgres` without a password, started.
if ! pg_up || ! pg_login; then
  if [ -n "$DRY" ] && ! pg_installed; then
    ver="<version>"
  else
    ver="$(pg_version)"
  fi
  if [ -z "$DRY" ] && ! pg_ctlcluster "$ver" main status >/dev/null 2>&1 && [ ! -d "/etc/postgresql/$ver/main" ]; then
    say "creating PostgreSQL $ver cluster 'main'"
    act pg_createcluster "$ver" main
  fi
  hba="/etc/postgresql/$ver/main/pg_hba.conf"
  # Debian's default asks for a password over TCP. A development or CI machine lets the `postgres`
  # role in from loopback only; a deployment sets DATABASE_URL with its own role and password.
  if is_root && ! grep -qE '^host\s+all\s+(all|postgres)\s+127\.0\.0\.1/32\s+trust' "$hba" 2>/dev/null; then
    say "letting postgres in from 127.0.0.1 and ::1 without a password ($hba)"
    if [ -z "$DRY" ]; then
      { printf '# added by scripts/services.sh: tests and the demo connect as postgres over loopback\n'
        printf 'host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n'
        cat "$hba"; } > "$hba.new" && mv "$hba.new" "$hba"
      chown postgres:postgres "$hba" 2>/dev/null || true
      pg_up && act pg_ctlcluster "$ver" main reload
    else
      say "would prepend 'host all postgres 127.0.0.1/32 trust' and '::1/128 trust' to $hba"
    fi
  fi
  if ! pg_up; then
    say "starting PostgreSQL $ver"
    act pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  fi
  if [ -z "$DRY" ]; then
    for _ in $(seq 1 30); do pg_up && pg_login && break; sleep 1; done
    pg_up || { say "PostgreSQL is not running on 127.0.0.1:5432 and could not be started; start it (pg_ctlcluster $ver main start) and retry." >&2; exit 1; }
    pg_login || { say "PostgreSQL answers but refuses 'postgres' from 127.0.0.1 without a password; run: sudo bash scripts/services.sh" >&2; exit 1; }
  fi
fi

# 3. Redis: started as a plain daemon on loopback (no persistence: tests and the demo rebuild their data).
if ! redis_up; then
  say "starting Redis"
  if is_root; then dir=/var/lib/redis; log=/var/log/redis/ci.log; else dir="${TMPDIR:-/tmp}/rexian-redis"; log="$dir/redis.log"; fi
  act mkdir -p "$dir" "$(dirname "$log")"
  act redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir "$dir" --logfile "$log" || true
  if [ -z "$DRY" ]; then
    for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
    redis_up || { say "Redis is not running on 127.0.0.1:6379 and could not be started; start redis-server and retry." >&2; exit 1; }
  fi
fi
