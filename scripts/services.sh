#!/usr/bin/env bash
# Installs (where missing) and starts the services of full mode from Debian's packages:
# PostgreSQL and Redis, on 127.0.0.1 only. `services.sh start` prints the variables to export;
# `services.sh stop` stops what it started.
set -euo pipefail

PGROLE=${WRES_PG_ROLE:-wres}
PGPASSWORD_VALUE=${WRES_PG_PASSWORD:-wres}
PGDATABASE_NAME=${WRES_PG_DATABASE:-wres}
REDIS_PORT=${WRES_REDIS_PORT:-6379}
STATE_DIR=${WRES_SERVICES_STATE:-$(pwd)/var/services}
mkdir -p "$STATE_DIR"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local missing=()
  command -v pg_lsclusters >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ $# -gt 0 ] && for extra in "$@"; do
    case "$extra" in chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;; esac
  done
  # WeasyPrint (the national report's PDF) needs Pango; Debian's chromium pulls it in.
  ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} from Debian's packages"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

postgres_cluster() {
  # The first cluster pg_lsclusters reports: "version name port status ...".
  local line
  line=$(pg_lsclusters --no-header 2>/dev/null | head -n 1 || true)
  if [ -z "$line" ]; then
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    as_root pg_createcluster "$version" main >/dev/null
    line=$(pg_lsclusters --no-header | head -n 1)
  fi
  echo "$line"
}

start_postgres() {
  local line version name port status
  line=$(postgres_cluster)
  read -r version name port status _ <<<"$line"
  if [ "$status" != "online" ]; then
    as_root pg_ctlcluster "$version" "$name" start
    echo "$version $name" >"$STATE_DIR/postgres-started"
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
  done
  pg_isready -q -h 127.0.0.1 -p "$port" || { echo "PostgreSQL did not start" >&2; exit 1; }
  as_root su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PGROLE') THEN
    CREATE ROLE $PGROLE LOGIN CREATEDB PASSWORD '$PGPASSWORD_VALUE';
  END IF;
END \$\$;
SQL
  if ! as_root su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE_NAME'\"" | grep -q 1; then
    as_root su postgres -c "createdb -p $port -O $PGROLE $PGDATABASE_NAME"
  fi
  echo "$port" >"$STATE_DIR/postgres-port"
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    return
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --logfile "$STATE_DIR/redis.log" --pidfile "$STATE_DIR/redis.pid" --dir "$STATE_DIR" \
    --save "" --appendonly no
  echo "$REDIS_PORT" >"$STATE_DIR/redis-started"
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "Redis did not start" >&2
  exit 1
}

stop_started() {
  if [ -f "$STATE_DIR/redis-started" ]; then
    redis-cli -h 127.0.0.1 -p "$(cat "$STATE_DIR/redis-started")" shutdown nosave >/dev/null 2>&1 || true
    rm -f "$STATE_DIR/redis-started"
  fi
  if [ -f "$STATE_DIR/postgres-started" ]; then
    read -r version name <"$STATE_DIR/postgres-started"
    as_root pg_ctlcluster "$version" "$name" stop || true
    rm -f "$STATE_DIR/postgres-started"
  fi
}

case "${1:-start}" in
  start)
    shift || true
    install_missing "$@"
    start_postgres
    start_redis
    port=$(cat "$STATE_DIR/postgres-port")
    echo "PostgreSQL and Redis are running. For full mode, export:"
    echo "  export DATABASE_URL=postgres://$PGROLE:$PGPASSWORD_VALUE@127.0.0.1:$port/$PGDATABASE_NAME"
    echo "  export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
    ;;
  stop) stop_started ;;
  *) echo "usage: $0 start [chromium] | stop" >&2; exit 2 ;;
esac
