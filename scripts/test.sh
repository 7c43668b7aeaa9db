#!/usr/bin/env bash
# Runs the whole OpenSky test suite on a fresh machine: fetches modules,
# checks formatting and vet, runs every test (the race detector on the
# packages with concurrency), and replays every fuzz seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
step() { printf '\n==> %s\n' "$*"; }

step "system packages"
# Container tests build an image from Debian's static busybox; browser
# tests (internal/gateway/browsertest) drive Debian's chromium headless.
need=()
{ [ -x /bin/busybox ] && dpkg -s busybox-static >/dev/null 2>&1; } || need+=(busybox-static)
{ [ -x /usr/bin/chromium ] && dpkg -s chromium >/dev/null 2>&1; } || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" </dev/null \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" </dev/null; }
  else
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" </dev/null
  fi
fi
docker version --format 'docker engine {{.Server.Version}} (API {{.Server.APIVersion}})' \
  || { echo "the Docker engine is not reachable: container tests need it"; exit 1; }

step "go modules"
go mod download

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "build"
go build -o /dev/null ./cmd/opensky

step "Polkadot host (Gossamer v0.9.0: built once, then cached)"
# The bridge tests run it in their own network namespace; here they must
# not skip.
OPENSKY_GOSSAMER=$(scripts/gossamer.sh)
export OPENSKY_GOSSAMER OPENSKY_REQUIRE_POLKADOT=1
echo "$OPENSKY_GOSSAMER"

step "tests (race detector on the concurrent packages)"
race_pkgs=(
  ./internal/p2p/...
  ./internal/provider/...
  ./internal/orchestrator/...
  ./internal/executor/...
  ./internal/gateway/...
  ./internal/blob/...
  ./internal/devnet/...
  ./internal/dockertest/...
  ./internal/ledger/...
  ./internal/chain/...
  ./internal/storage/...
  ./internal/bridge/...
)
# Under the race detector the storage network test streams a 24 MiB
# object instead of one larger than 256 MiB; the next step runs it whole.
OPENSKY_STORAGE_BIG_MIB=24 go test -race -count=1 -timeout 20m "${race_pkgs[@]}"

step "storage network at full size (an object larger than 256 MiB, streamed)"
go test -count=1 -timeout 15m -run TestNetworkSurvivesLossAndRepairs ./internal/storage/broker

step "tests (everything else)"
others=$(go list ./... | grep -v -E '/internal/(p2p|provider|orchestrator|executor|gateway|blob|devnet|dockertest|ledger|chain|storage|bridge)(/|$)')
go test -count=1 -timeout 20m $others

echo
echo "all tests passed"
