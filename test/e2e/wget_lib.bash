# Shared by the tests that crawl a local web server with wget (sourced, not run):
#   source "$(dirname "$0")/wget_lib.bash" FOLDER...
# skips the test when wget is missing, and starts in a fresh scratch folder holding FOLDERs.
set -euo pipefail
: "${SIMSHARD:?set SIMSHARD to the simshard binary}" "${SCRATCH:?set SCRATCH to a scratch folder}"
SIMSHARD=$(cd "$(dirname "$SIMSHARD")" && pwd)/$(basename "$SIMSHARD")
command -v wget >/dev/null || { echo "SKIP: wget not installed"; exit 0; }
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH" && cd "$SCRATCH" && mkdir -p "$@"

die() { echo "FAIL: $*" >&2; exit 1; }

# wget_crawl SITE: serves folder SITE on a free local port, crawls it from /index.html two
# links deep with `wget --warc-file=crawl` (mirror/, crawl.warc.gz) and sets $port. The
# server stops when the crawl is done. wget exits 8 for a broken link, which tests may want.
wget_crawl() {
  local site=$1 server
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" >server.log 2>&1 &
  server=$!
  for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/index.html')" 2>/dev/null && break
    sleep 0.1
  done
  wget -q -r -l 2 -P mirror --warc-file=crawl "http://127.0.0.1:$port/index.html" || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  [ -s crawl.warc.gz ] || die "wget wrote no WARC"
}
