#!/usr/bin/env bash
# Start the machine's PostgreSQL cluster (installing it when missing), make sure the test role and
# database exist, then run the given command with TEST_DATABASE_URL pointing at it.
set -euo pipefail
ROLE=tracker
DBNAME=${TEST_DB_NAME:-tracker_test}  # a worktree of its own may use another database
if ! command -v pg_ctlcluster >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL chưa được cài và không thể tự cài." >&2; exit 1
  fi
fi
read -r VERSION CLUSTER PORT _ < <(pg_lsclusters --no-header | head -n 1) || true
if [ -z "${VERSION:-}" ]; then
  VERSION=$(ls /usr/lib/postgresql | sort -n | tail -n 1); CLUSTER=main
  pg_createcluster "$VERSION" "$CLUSTER"
  read -r VERSION CLUSTER PORT _ < <(pg_lsclusters --no-header | head -n 1)
fi
pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 1; done
pg_isready -h 127.0.0.1 -p "$PORT" || { echo "Không kết nối được PostgreSQL trên cổng $PORT." >&2; exit 1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi; }
as_postgres "psql -p $PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\"" | grep -q 1 \
  || as_postgres "psql -p $PORT -qc \"CREATE ROLE $ROLE LOGIN PASSWORD '$ROLE'\""
# EXTRA_DB_NAMES: more databases of the same owner (make bench-pg: one per version and size).
for NAME in $DBNAME ${EXTRA_DB_NAMES:-}; do
  as_postgres "psql -p $PORT -tAc \"SELECT 1 FROM pg_database WHERE datname='$NAME'\"" | grep -q 1 \
    || as_postgres "createdb -p $PORT -O $ROLE $NAME"
done
export TEST_DATABASE_URL="postgresql://$ROLE:$ROLE@127.0.0.1:$PORT/$DBNAME"
echo "Chạy kiểm thử trên PostgreSQL $VERSION ($TEST_DATABASE_URL)"
exec "$@"
