#!/usr/bin/env bash
# Restore one cooperative's schema from its dump (from backup-tenant.sh), through
# `manage.py cooperative_restore`.
#
#   restore-tenant.sh <slug> <dump> [--replace] [--drop-previous] [--database-url URL]
#
# --replace        replace the existing schema (renamed aside to <schema>_r<time>, kept
#                  unless --drop-previous); without it, restoring over a schema is refused
# --database-url   restore into that database instead, e.g. a staging copy made with
#                  restore-all.sh, to look at old data without touching the live one
# Other cooperatives and the shared tables are never touched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$#" -ge 2 ] || die "usage: $0 <slug> <dump> [--replace] [--drop-previous] [--database-url URL]"
slug="$1"
dump="$(realpath "$2")"
shift 2
args=()
while [ "$#" -gt 0 ]; do
    case "$1" in
    --replace | --drop-previous) args+=("$1"); shift ;;
    --database-url) export DATABASE_URL="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
    esac
done
load_env_file
manage cooperative_restore "$slug" "$dump" "${args[@]}"
