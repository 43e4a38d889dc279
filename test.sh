#!/usr/bin/env bash
# Runs every test: unit tests (Maven) and the end-to-end tests that drive the real gateway with sipp.
# Installs what the tests need on a fresh Debian machine (sipp from the sip-tester package, pytest).
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

step "checking tools"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v sipp >/dev/null; then
  step "installing sipp (Debian package sip-tester)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester >/dev/null
fi
if ! python3 -c 'import pytest' 2>/dev/null; then
  step "installing pytest"
  python3 -m pip install -q pytest
fi
for tool in java mvn sipp python3; do
  command -v "$tool" >/dev/null || { echo "test.sh: '$tool' is missing" >&2; exit 1; }
done

step "unit tests and packaging (mvn package)"
mvn -B --no-transfer-progress package

step "end-to-end tests: real gateway process + sipp"
python3 -m pytest -q sip-gateway/src/it "$@"
