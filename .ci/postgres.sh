#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the store tests.
#
#   eval "$(bash .ci/postgres.sh)"          # start; exports COACH_TEST_POSTGRES_URL (+ _DIR)
#   bash .ci/postgres.sh stop [DIR]         # stop it and delete DIR (default $COACH_TEST_POSTGRES_DIR)
#
# Only the `export` lines go to stdout; everything else goes to stderr. As root it installs the
# Debian `postgresql` package when no `initdb` can be found, and runs the server as `postgres`.
# Port: $COACH_PG_PORT or 5433, or the next free one above it.
set -euo pipefail
exec 3>&1 1>&2

find_bindir() {
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    # shellcheck disable=SC2012
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_busy() {
    (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

bindir=$(find_bindir)
if [ -z "$bindir" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "postgres.sh: no initdb found and not root, cannot install postgresql" >&2
        exit 1
    fi
    echo "postgres.sh: installing postgresql (apt-get)…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
    bindir=$(find_bindir)
    [ -n "$bindir" ] || { echo "postgres.sh: initdb still not found after install" >&2; exit 1; }
fi
export PATH="$bindir:$PATH"

if [ "${1:-}" = stop ]; then
    dir=${2:-${COACH_TEST_POSTGRES_DIR:-}}
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "postgres.sh: no cluster dir given" >&2; exit 1; }
    as_pg pg_ctl -D "$dir/data" -m fast -w stop || true
    rm -rf "$dir"
    echo "postgres.sh: stopped and removed $dir"
    exit 0
fi

port=${COACH_PG_PORT:-5433}
for _ in $(seq 1 50); do
    port_busy "$port" || break
    echo "postgres.sh: port $port busy, trying $((port + 1))"
    port=$((port + 1))
done
port_busy "$port" && { echo "postgres.sh: no free port found" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/coach-pg.XXXXXX")
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
    chown postgres: "$dir"
fi

echo "postgres.sh: initdb in $dir/data ($("$bindir/initdb" --version))"
as_pg initdb -D "$dir/data" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg pg_ctl -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start 3>&- || { cat "$dir/log" >&2; exit 1; }
pg_isready -h 127.0.0.1 -p "$port" -t 10 >&2

echo "postgres.sh: running on 127.0.0.1:$port (stop: bash .ci/postgres.sh stop $dir)"
echo "export COACH_TEST_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:$port/postgres" >&3
echo "export COACH_TEST_POSTGRES_DIR=$dir" >&3
