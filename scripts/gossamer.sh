#!/usr/bin/env bash
# Builds the Gossamer Polkadot host (github.com/ChainSafe/gossamer v0.9.0)
# once per machine and prints the path of the binary. The westend-dev chain
# spec that ships in the module is copied next to it as
# westend-dev-spec-raw.json.
#
# `go install` refuses this module because its go.mod has replace
# directives, so the script downloads the module through the module proxy
# (checked against go.sum's checksum database like any other module), copies
# it to a writable directory and builds cmd/gossamer from inside it. The build
# needs no cgo: the runtime runs on wazero. On two busy cores it takes about
# six minutes; later calls return at once.
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/opensky/gossamer-v0.9.0/
# Only the path goes to stdout; progress goes to stderr.
set -euo pipefail

version=v0.9.0
module=github.com/ChainSafe/gossamer
cache="${XDG_CACHE_HOME:-$HOME/.cache}/opensky/gossamer-${version}"
bin="$cache/gossamer"
spec="$cache/westend-dev-spec-raw.json"

if [ -x "$bin" ] && [ -s "$spec" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
# One build at a time per cache directory; a second caller waits and then
# finds the binary.
exec 9>"$cache/.lock"
flock 9
if [ -x "$bin" ] && [ -s "$spec" ]; then
  echo "$bin"
  exit 0
fi

export GOWORK=off GOFLAGS="-buildvcs=false"
log() { printf 'gossamer.sh: %s\n' "$*" >&2; }

log "downloading $module@$version"
dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
  log "go mod download did not report the module directory"
  exit 1
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$dir/." "$work/src"
chmod -R u+w "$work/src"

log "building cmd/gossamer (CGO_ENABLED=0; several minutes on a small machine)"
start=$(date +%s)
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$work/gossamer" ./cmd/gossamer)
log "built in $(($(date +%s) - start))s"

"$work/gossamer" version >&2
cp "$work/src/chain/westend-dev/westend-dev-spec-raw.json" "$work/westend-dev-spec-raw.json"
mv -f "$work/westend-dev-spec-raw.json" "$spec"
mv -f "$work/gossamer" "$bin"
echo "$bin"
