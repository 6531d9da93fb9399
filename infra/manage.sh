#!/usr/bin/env bash
# manage.py with the services' environment (the env file read safely, as the services
# read it), for deploys and maintenance:  sudo -u koperasi infra/manage.sh migrate --noinput
set -euo pipefail
. "$(dirname "$0")/backup/lib.sh"
load_env_file
manage "$@"
