#!/usr/bin/env bash
# The fault tests (tests/faults, marker `faults`): a Celery worker killed mid-run, Redis stopped
# while people upload, PostgreSQL restarted under load, backup and restore. They start their own
# redis-server, Celery workers and PostgreSQL cluster, so they never disturb shared services;
# DATABASE_URL's server holds their test database (test_wres_faults). Run after the other stages:
#   DATABASE_URL=postgres://wres:wres@127.0.0.1:5432/wres scripts/ci-faults.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${DATABASE_URL:-}" ] || { echo "ci-faults: set DATABASE_URL (a PostgreSQL server)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "ci-faults: redis-server is missing" >&2; exit 1; }

# A free port for the tests' own Redis (they refuse a port already in use).
REDIS_PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The test database's name comes from DATABASE_URL's: a name of their own (test_wres_faults).
FAULTS_DATABASE_URL=$(echo "$DATABASE_URL" | sed -E 's#/[^/?]*(\?|$)#/wres_faults\1#')
export WRES_TEST_LOG_DIR=${WRES_TEST_LOG_DIR:-$(pwd)/var/test-logs}

# Arguments are passed to pytest; without a test path among them, every fault test runs.
case " $* " in *" tests/"*) ;; *) set -- tests/faults "$@" ;; esac
# pytest exits 5 when it collects no tests: a failure here.
code=0
timeout 600 env WRES_FAULTS=1 WRES_FULL=1 DATABASE_URL="$FAULTS_DATABASE_URL" \
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
  .venv/bin/python -m pytest -q -p no:cacheprovider -m faults "$@" || code=$?
[ "$code" -eq 5 ] && { echo "ci-faults: no fault tests collected" >&2; exit 1; }
exit "$code"
