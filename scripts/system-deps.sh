#!/usr/bin/env bash
# Debian packages the test suite needs besides the services (those are installed by services.sh):
# Chromium for the browser tests. Idempotent; installs only what is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ((${#missing[@]})); then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "system-deps: ok"
