# Shared by the backup and restore scripts: configuration and small helpers.
# shellcheck shell=bash

# The same file systemd gives the services (EnvironmentFile=). Read as KEY=value lines,
# never executed: a DATABASE_URL with "&" in it must not start a background job.
KOPERASI_ENV_FILE="${KOPERASI_ENV_FILE:-/etc/koperasi/koperasi.env}"
# The checkout these scripts are in (/srv/koperasi/app on a server).
KOPERASI_APP_DIR="${KOPERASI_APP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
KOPERASI_PYTHON="${KOPERASI_PYTHON:-$KOPERASI_APP_DIR/.venv/bin/python}"

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

load_env_file() {
    [ -r "$KOPERASI_ENV_FILE" ] || return 0
    local line key value
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        key="${line%%=*}"
        value="${line#*=}"
        key="${key#export }"
        [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        # Variables already set in the environment win over the file.
        [ -n "${!key+x}" ] && continue
        value="${value%\"}"
        value="${value#\"}"
        value="${value%\'}"
        value="${value#\'}"
        export "$key=$value"
    done <"$KOPERASI_ENV_FILE"
}

# pg_dump / pg_restore / psql: from PG_BIN_DIR if set (e.g. /usr/lib/postgresql/16/bin),
# else the PATH. They must be at least the server's major version.
pg_bin() {
    if [ -n "${PG_BIN_DIR:-}" ]; then
        echo "$PG_BIN_DIR/$1"
    else
        command -v "$1" || die "$1 not found: install postgresql-client or set PG_BIN_DIR"
    fi
}

manage() {
    (cd "$KOPERASI_APP_DIR" && "$KOPERASI_PYTHON" manage.py "$@")
}
