#!/usr/bin/env bash
# The whole suite, twice: on SQLite, then on a throw-away PostgreSQL started here and stopped
# on exit. Browser tests drive Debian's Chromium. Screenshots land in artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGROOT=$(mktemp -d /tmp/physio-pg.XXXXXX)
PGPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_pg() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
}
trap stop_pg EXIT
chown postgres:postgres "$PGROOT"; chmod 700 "$PGROOT"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c full_page_writes=off" start >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres physio_test
PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/physio_test"

echo "=== test suite on SQLite ==="
PHYSIO_ENV=testing $PY -m pytest "$@"
echo "=== test suite on PostgreSQL ($PG_URL) ==="
PHYSIO_ENV=testing TEST_DATABASE_URL="$PG_URL" PHYSIO_ARTIFACTS=artifacts/postgresql $PY -m pytest "$@"
