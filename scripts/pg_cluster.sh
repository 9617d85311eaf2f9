#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and `make build TARGET=postgres` on this machine.
#
#   scripts/pg_cluster.sh start   install Debian's PostgreSQL if absent, start a cluster on
#                                 127.0.0.1, print the libpq variables to `eval`
#   scripts/pg_cluster.sh env     print the libpq variables of the running cluster
#   scripts/pg_cluster.sh stop    stop the cluster and delete its files
#
# The cluster listens on 127.0.0.1 only. Its password is random, made at `start`, kept in a
# 0600 file beside the cluster's data (outside the repository) and printed only as an
# `export PGPASSWORD=...` line for the caller's own shell.
set -euo pipefail

PG_DIR=${CS_KPI_PG_DIR:-/tmp/cs_kpi_pg}
PG_PORT=${CS_KPI_PG_PORT:-54329}
PG_USER=cs_kpi
PG_DB=cs_kpi

pg_bin() {
    local bin
    for bin in /usr/lib/postgresql/*/bin; do
        [ -x "$bin/initdb" ] && { echo "$bin"; return 0; }
    done
    return 1
}

install_postgres() {
    pg_bin >/dev/null && return 0
    echo "installing Debian's PostgreSQL" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        postgresql >/dev/null
    # The package starts Debian's own cluster on port 5432; this project uses its own.
    $sudo pg_ctlcluster --force 15 main stop >/dev/null 2>&1 || true
}

# initdb refuses to run as root: as root the cluster belongs to the `postgres` user.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

print_env() {
    [ -f "$PG_DIR/password" ] || { echo "no cluster in $PG_DIR (run: $0 start)" >&2; exit 1; }
    echo "export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=$PG_USER PGDATABASE=$PG_DB"
    echo "export PGPASSWORD=$(cat "$PG_DIR/password")"
}

start() {
    install_postgres
    local bin
    bin=$(pg_bin)
    if [ -f "$PG_DIR/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        print_env
        return 0
    fi
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    umask 077
    python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$PG_DIR/password"
    [ "$(id -u)" = 0 ] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown -R postgres "$PG_DIR"; }
    as_owner "$bin/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$PG_DIR/password" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start -o \
        "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c work_mem=64MB -c max_connections=50 -c timezone=UTC" >/dev/null
    PGPASSWORD=$(cat "$PG_DIR/password") "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    echo "PostgreSQL on 127.0.0.1:$PG_PORT (data in $PG_DIR)" >&2
    print_env
}

stop() {
    local bin
    if bin=$(pg_bin) && [ -d "$PG_DIR/data" ]; then
        as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
}

case "${1:-}" in
    start) start ;;
    env) print_env ;;
    stop) stop ;;
    *) echo "usage: $0 start|env|stop" >&2; exit 2 ;;
esac
