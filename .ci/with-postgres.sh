#!/usr/bin/env bash
# Run a command (the test suite) with COACH_TEST_POSTGRES_URL pointing at a throw-away PostgreSQL
# cluster when a PostgreSQL server binary is on this machine and no URL is given already; without
# one the command runs as is (the PostgreSQL tests skip). The cluster is removed afterwards.
#
#   bash .ci/with-postgres.sh .venv/bin/python -m pytest -q -ra
set -euo pipefail
cd "$(dirname "$0")/.."

has_postgres() {
    command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

if [ -z "${COACH_TEST_POSTGRES_URL:-}" ] && has_postgres; then
    if started=$(bash .ci/postgres.sh); then
        eval "$started"
        export COACH_TEST_POSTGRES_URL COACH_TEST_POSTGRES_DIR
        trap 'bash .ci/postgres.sh stop >/dev/null 2>&1 || true' EXIT
    else
        echo "with-postgres.sh: PostgreSQL did not start; its tests will be skipped" >&2
    fi
fi
"$@"
