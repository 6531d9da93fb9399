#!/usr/bin/env bash
# Whole-database backup: pg_dump -Fc of every schema (public with the registry and users,
# the tenant template, every cooperative), verified, checksummed and rotated.
#
#   backup-all.sh [BACKUP_DIR]
#
# BACKUP_DIR defaults to $BACKUP_ROOT/all. Environment (or the env file):
#   DATABASE_URL   the database to back up (required)
#   BACKUP_KEEP    how many dumps to keep (default 14: two weeks of nightly runs)
#   PG_BIN_DIR     where pg_dump/pg_restore are, if not on the PATH
# Prints the new dump's path. Run nightly by koperasi-backup.timer.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
load_env_file

[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set"
dir="${1:-${BACKUP_ROOT:-/var/backups/koperasi}/all}"
keep="${BACKUP_KEEP:-14}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP must be a positive number"

umask 077
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock -n 9 || die "another backup is writing to $dir"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$dir/koperasi-$stamp.dump"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

"$(pg_bin pg_dump)" --format=custom --dbname="$DATABASE_URL" --file="$partial"
# A dump that pg_restore cannot list is no backup.
"$(pg_bin pg_restore)" --list "$partial" >/dev/null
mv "$partial" "$out"
(cd "$dir" && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")

# Rotation: keep the newest $keep dumps.
find "$dir" -maxdepth 1 -name 'koperasi-*.dump' -printf '%T@ %p\n' | sort -rn |
    tail -n +"$((keep + 1))" | cut -d' ' -f2- | while IFS= read -r old; do
    rm -f -- "$old" "$old.sha256"
done

echo "$out"
