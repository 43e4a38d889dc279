#!/usr/bin/env bash
# Runs every test: unit tests (Maven), the end-to-end tests that drive the real gateway with sipp, and the
# LiveKit end-to-end tests (real livekit-server, real Python LiveKit agent).
# Installs what the tests need on a fresh Debian machine: sipp (sip-tester), espeak-ng, sox, ffmpeg, kamailio, redis-server,
# livekit-server (built from its Go module, reused when already built), and a Python venv with the LiveKit SDKs
# (.venv, reused).
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step "checking tools"
for tool in java mvn python3 go; do
  command -v "$tool" >/dev/null || { echo "test.sh: '$tool' is missing (need JDK 17+, Maven, Python 3.11, Go 1.26)" >&2; exit 1; }
done
# Debian packages the end-to-end tests drive: command -> package
declare -A DEBIAN_TOOLS=(
  [sipp]=sip-tester        # the phones and trunks
  [espeak-ng]=espeak-ng    # speech: the voicemail corpus (test_amd_corpus.py), voicemail and recording calls
  [sox]=sox                # resampling that speech
  [ffprobe]=ffmpeg         # reading recordings back
  [redis-server]=redis-server  # the Redis store's unit tests and test_many_nodes.py start their own on a free port
)
missing=()
for tool in "${!DEBIAN_TOOLS[@]}"; do
  command -v "$tool" >/dev/null || missing+=("${DEBIAN_TOOLS[$tool]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v kamailio >/dev/null && [ ! -x /usr/sbin/kamailio ]; then
  # test_kamailio.py starts its own Kamailio on a random port in front of two gateways (deploy/kamailio/)
  step "installing kamailio (Debian package kamailio)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio >/dev/null
  # the package's own service (where systemd started it) would hold port 5060, which ./gateway uses
  as_root systemctl disable --now kamailio >/dev/null 2>&1 || true
fi

LIVEKIT_VERSION=v1.13.5
export LIVEKIT_SERVER_BIN="${LIVEKIT_SERVER_BIN:-$(go env GOPATH)/bin/server}"
if [ ! -x "$LIVEKIT_SERVER_BIN" ] || ! "$LIVEKIT_SERVER_BIN" --version 2>/dev/null | grep -q "${LIVEKIT_VERSION#v}"; then
  step "building livekit-server $LIVEKIT_VERSION from its Go module (first time: about 4 minutes)"
  go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION"
fi
echo "livekit-server: $("$LIVEKIT_SERVER_BIN" --version 2>&1 | head -1)"

VENV=.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import livekit.rtc, livekit.api, livekit.agents, numpy, pytest, pylibsrtp, yaml, kubernetes_validate, check_jsonschema' 2>/dev/null; then
  step "creating $VENV with the LiveKit Python SDKs and pylibsrtp (sip-gateway/src/it/requirements.txt)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r sip-gateway/src/it/requirements.txt
fi

step "unit tests and packaging (mvn package)"
mvn -B --no-transfer-progress package

step "end-to-end tests: real gateway + sipp + livekit-server + LiveKit agent"
GATEWAY_REQUIRE_LIVEKIT_TESTS=1 "$VENV/bin/python" -m pytest -q sip-gateway/src/it "$@"
