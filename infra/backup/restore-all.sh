#!/usr/bin/env bash
# Restore a whole-database dump (from backup-all.sh) into an EMPTY database.
#
#   restore-all.sh DUMP TARGET_DATABASE_URL [--jobs N]
#
# Create the target first (createdb -O koperasi koperasi_restored), restore, check it,
# then point DATABASE_URL at it (or rename the databases) and run `manage.py migrate`.
# Restoring over the live database is refused: a restore never destroys the only copy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
load_env_file

[ "$#" -ge 2 ] || die "usage: $0 DUMP TARGET_DATABASE_URL [--jobs N]"
dump="$1"
target="$2"
shift 2
jobs=1
while [ "$#" -gt 0 ]; do
    case "$1" in
    --jobs) jobs="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
    esac
done

[ -f "$dump" ] || die "$dump is not a file"
if [ -f "$dump.sha256" ]; then
    (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256") ||
        die "$dump does not match its checksum"
fi
[ "$target" != "${DATABASE_URL:-}" ] || die "the target is the live DATABASE_URL; restore into a new database"

tables="$("$(pg_bin psql)" --no-psqlrc --quiet --tuples-only --no-align --dbname="$target" \
    --command="SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
[ "$tables" = "0" ] || die "the target database is not empty ($tables tables)"

"$(pg_bin pg_restore)" --exit-on-error --no-owner --jobs="$jobs" --dbname="$target" "$dump"
echo "restored $dump into the target; next: point DATABASE_URL at it and run manage.py migrate"
