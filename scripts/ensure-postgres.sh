#!/usr/bin/env bash
# Makes sure the local PostgreSQL the integration tests use (127.0.0.1:5432, user postgres, trust
# auth) is running: starts the Debian cluster if it is down, then waits until it accepts
# connections. Exits non-zero with a message if it cannot.
#
#   scripts/ensure-postgres.sh [timeout-seconds]    (default 60)
set -euo pipefail

HOST=127.0.0.1
PORT=5432
USER_NAME=postgres
TIMEOUT=${1:-60}

ready() {
    pg_isready -q -h "$HOST" -p "$PORT" -U "$USER_NAME" -t 2
}

if ready; then
    echo "ensure-postgres: PostgreSQL is up on $HOST:$PORT"
    exit 0
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "ensure-postgres: PostgreSQL is not answering on $HOST:$PORT and pg_ctlcluster is not installed" >&2
    exit 1
fi

versions=$(ls /etc/postgresql 2>/dev/null || true)
if [ -z "$versions" ]; then
    echo "ensure-postgres: no cluster under /etc/postgresql to start" >&2
    exit 1
fi

for version in $versions; do
    echo "ensure-postgres: starting cluster $version/main"
    # already running (for example on another port) is not an error here; readiness decides
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
done

deadline=$((SECONDS + TIMEOUT))
until ready; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "ensure-postgres: PostgreSQL did not accept connections on $HOST:$PORT within ${TIMEOUT}s" >&2
        exit 1
    fi
    sleep 0.5
done

if ! psql -h "$HOST" -p "$PORT" -U "$USER_NAME" -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
    echo "ensure-postgres: PostgreSQL is up but user $USER_NAME cannot connect without a password" >&2
    exit 1
fi
echo "ensure-postgres: PostgreSQL is up on $HOST:$PORT"
