#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker daemon: Debian's docker-compose (1.29) parses, interpolates
# and checks the file against the Compose schema. Installs docker-compose with apt-get if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config --quiet
echo "docker-compose.yml: valid ($(docker-compose version --short))"
