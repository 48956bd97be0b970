#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the store tests, on 127.0.0.1 only.
#
#   scripts/pg-test-server.sh            start it (if not running) and print its URL
#   scripts/pg-test-server.sh stop       stop it and delete its data
#
# Then: GONGKAI_TEST_PG="$(scripts/pg-test-server.sh)" pytest tests/store
# Needs the Debian `postgresql` package (initdb, pg_ctl). The cluster trusts local
# connections and listens on loopback only; its data lives in a temp folder.
set -euo pipefail

PORT="${GONGKAI_PG_PORT:-55432}"
BASE="${GONGKAI_PG_DIR:-${TMPDIR:-/tmp}/gongkai-pg-$PORT}"
DATA="$BASE/data"
SOCK="$BASE/sock"
LOG="$BASE/server.log"
URL="postgresql://postgres@127.0.0.1:$PORT/postgres"

bindir() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$found" || ! -x "$found/initdb" ]]; then
        echo "pg-test-server: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
        exit 1
    fi
    echo "$found"
}

as_owner() {
    # initdb refuses to run as root; run the server as the postgres user when we are root
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

BIN="$(bindir)"

case "${1:-start}" in
start)
    if [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        echo "$URL"
        exit 0
    fi
    mkdir -p "$BASE"
    if [[ "$(id -u)" == 0 ]]; then chown postgres "$BASE"; fi
    rm -rf "$DATA" "$SOCK"
    as_owner mkdir -p "$SOCK"
    as_owner "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 \
        || { cat "$BASE/initdb.log" >&2; exit 1; }
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK" start >/dev/null \
        || { cat "$LOG" >&2; exit 1; }
    echo "$URL"
    ;;
stop)
    if [[ -d "$DATA" ]]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$BASE"
    ;;
*)
    echo "usage: $0 [start|stop]" >&2
    exit 2
    ;;
esac
