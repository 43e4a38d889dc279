#!/usr/bin/env bash
# Builds LiveKit's SIP service (github.com/livekit/sip) from source for bench/sidebyside/run.py.
#
# The Go module proxy refuses github.com/livekit/sip and the two LiveKit modules its go.mod pins to unreleased
# commits (github.com/livekit/protocol, github.com/livekit/media-sdk), so their sources must be brought here
# first, e.g. with the agent's `fetch` tool (github:livekit/sip, github:livekit/protocol, github:livekit/media-sdk),
# which gives bare git directories, or with `git clone` where GitHub is reachable. This script cannot fetch them.
#
# Usage: build-livekit-sip.sh SIP PROTOCOL MEDIA_SDK [OUT]
#   each of SIP, PROTOCOL, MEDIA_SDK: a git directory (bare or not) holding the needed commit, or a source tree
#   already at that commit; OUT (default /work/wt/livekit-sip): sources go to OUT/src/, the binary to OUT/livekit-sip
#   LIVEKIT_SIP_COMMIT (default be5d3f572761, v1.11.0 + 2 commits) picks the SIP commit; the protocol and
#   media-sdk commits are the ones its go.mod pins. Run it again: done steps are skipped.
set -euo pipefail

if [ $# -lt 3 ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
SIP_SRC=$1 PROTOCOL_SRC=$2 MEDIA_SRC=$3 OUT=${4:-/work/wt/livekit-sip}
SIP_COMMIT=${LIVEKIT_SIP_COMMIT:-be5d3f572761}
step() { echo "== $*" >&2; }

is_git() { git --git-dir="$1" rev-parse --git-dir >/dev/null 2>&1 || git -C "$1" rev-parse --git-dir >/dev/null 2>&1; }
git_of() {
  if git --git-dir="$1" rev-parse --is-bare-repository 2>/dev/null | grep -q true; then echo "$1"
  else git -C "$1" rev-parse --absolute-git-dir; fi
}

# export NAME from SRC at COMMIT into OUT/src/NAME (once per commit)
export_tree() {
  local name=$1 src=$2 commit=$3 dest=$OUT/src/$1
  if [ -f "$dest/.exported-commit" ] && [ "$(cat "$dest/.exported-commit")" = "$commit" ]; then
    step "$name: $dest already at $commit"
    return
  fi
  rm -rf "$dest" && mkdir -p "$dest"
  if is_git "$src"; then
    local gd; gd=$(git_of "$src")
    if ! git --git-dir="$gd" cat-file -e "$commit^{commit}" 2>/dev/null; then
      echo "$name: commit $commit is not in $gd: fetch the repository again (it must contain that commit)" >&2
      exit 1
    fi
    step "$name: exporting $commit from $gd"
    git --git-dir="$gd" archive "$commit" | tar -x -C "$dest"
  elif [ -f "$src/go.mod" ]; then
    step "$name: copying the source tree $src (assumed to be at $commit)"
    cp -a "$src/." "$dest/"
  else
    echo "$name: $src is neither a git directory nor a source tree with go.mod" >&2
    exit 1
  fi
  echo "$commit" > "$dest/.exported-commit"
}

# the commit of a pseudo-version pinned in go.mod, e.g. v1.50.5-0.20260818023635-24e126c61d3e -> 24e126c61d3e
pinned_commit() { sed -nE "s#^[[:space:]]*$2 v[^ ]*-([0-9a-f]{12})([[:space:]].*)?\$#\1#p" "$1" | head -1; }

step "system packages (cgo: libopus, libopusfile, libsoxr; Redis for the benchmark)"
missing=()
for pkg in libopus-dev libopusfile-dev libsoxr-dev pkg-config redis-server; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "missing packages: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

mkdir -p "$OUT/src"
export_tree sip "$SIP_SRC" "$SIP_COMMIT"
GOMOD=$OUT/src/sip/go.mod
PROTOCOL_COMMIT=$(pinned_commit "$GOMOD" github.com/livekit/protocol)
MEDIA_COMMIT=$(pinned_commit "$GOMOD" github.com/livekit/media-sdk)
if [ -z "$PROTOCOL_COMMIT" ] || [ -z "$MEDIA_COMMIT" ]; then
  echo "could not read the pinned commits from $GOMOD" >&2
  exit 1
fi
export_tree protocol "$PROTOCOL_SRC" "$PROTOCOL_COMMIT"
export_tree media-sdk "$MEDIA_SRC" "$MEDIA_COMMIT"

if grep -q '^replace github.com/livekit/protocol => ../protocol' "$GOMOD"; then
  step "go.mod already replaces protocol and media-sdk with the local trees"
else
  step "go.mod: replace protocol@$PROTOCOL_COMMIT and media-sdk@$MEDIA_COMMIT with the local trees"
  (cd "$OUT/src/sip" && go mod edit -replace github.com/livekit/protocol=../protocol \
                                    -replace github.com/livekit/media-sdk=../media-sdk)
fi

BIN=$OUT/livekit-sip
if [ -x "$BIN" ] && [ "$BIN" -nt "$GOMOD" ] && [ -z "$(find "$OUT/src" -newer "$BIN" -name '*.go' -print -quit)" ]; then
  step "$BIN is up to date"
else
  step "building $BIN (CGO_ENABLED=1 go build ./cmd/livekit-sip; a few minutes the first time)"
  (cd "$OUT/src/sip" && CGO_ENABLED=1 go build -o "$BIN" ./cmd/livekit-sip)
fi
"$BIN" --version
step "done: bench/sidebyside/run.py --livekit-sip $BIN"
