#!/usr/bin/env bash
# One cooperative's backup: pg_dump -Fc --schema=<its schema>, through
# `manage.py cooperative_backup`, which finds the schema in the registry and writes a
# manifest (schema, migrations, SHA-256) next to each dump.
#
#   backup-tenant.sh <slug>... [--output-dir DIR] [--keep N]
#   backup-tenant.sh --all [--output-dir DIR] [--keep N]
#
# Dumps go to DIR/<slug>/<slug>-<UTC time>.dump (DIR defaults to $BACKUP_ROOT).
# Environment: as the services (the env file), KOPERASI_APP_DIR, KOPERASI_PYTHON.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
load_env_file

[ "$#" -gt 0 ] || die "usage: $0 <slug>... | --all [--output-dir DIR] [--keep N]"
umask 077
manage cooperative_backup "$@"
