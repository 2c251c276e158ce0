#!/usr/bin/env bash
# Installs the Debian packages simshard builds and tests with, only those missing.
# Idempotent; uses sudo when not root. Set SIMSHARD_EXTRA_PACKAGES to add more.
set -euo pipefail

packages=(
  build-essential cmake pkg-config zstd sqlite3
  libzstd-dev zlib1g-dev libboost-filesystem-dev libboost-program-options-dev libboost-test-dev
  libicu-dev libgumbo-dev libsimdjson-dev libxxhash-dev libsqlite3-dev
  slurm-wlm munge  # the cluster engine; the tests start a one-node cluster of their own
  libisal-dev  # Reed–Solomon parity of the shards (ISA-L erasure coding)
  wget python3 jq
  time  # GNU time: peak memory of whole processes in bench/run.sh
)
# shellcheck disable=SC2206
packages+=(${SIMSHARD_EXTRA_PACKAGES:-})

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The warcio command-line tools check exported WARC files (test/e2e/cli_warc_export.sh).
# An npm package, in .tools/ of the source tree; a machine without npm or the registry
# runs that test without them.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$root/.tools/node_modules/.bin/warcio" ] && command -v npm >/dev/null; then
  npm install --prefix "$root/.tools" --no-audit --no-fund --silent warcio@2.4.11 >/dev/null 2>&1 ||
    echo "warcio not installed (npm install failed); its checks will be skipped" >&2
fi

[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
