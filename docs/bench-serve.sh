#!/usr/bin/env bash
# Load-test the search page of `cqcmine serve` with wrk (Debian: apt-get
# install wrk): sustained searches per second, latency percentiles and
# errors, over a round of typical searches.
#
#   docs/bench-serve.sh                 # the demo corpus, indexed into a temporary directory
#   docs/bench-serve.sh ~/big-index     # an existing index (e.g. the 10,000-document one)
#
# Environment: DURATION (default 20s), THREADS (2), CONNECTIONS (8),
# PORT (18181), CQCMINE (a cqcmine binary; default: built from this tree).
# The server-side render time, without the network and the load
# generator, is measured by the Go benchmark:
#
#   go test ./internal/web -run '^$' -bench SearchPageLatency -benchtime 2000x [-bench.index DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "bench-serve: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
duration=${DURATION:-20s}
threads=${THREADS:-2}
conns=${CONNECTIONS:-8}
port=${PORT:-18181}

. docs/serve-lib.sh

# Each request takes the next search of the round.
cat >"$work/searches.lua" <<'EOF'
local paths = {
  "/",
  "/?q=ligature",
  "/?q=staffing&kind=must-do",
  "/?q=%22warning+notice%22",
  "/?q=seclusion+OR+restraint",
  "/?kind=rating&domain=well-led&rating=inadequate",
  "/?q=safe&kind=rating&sort=date",
  "/?q=trust&page=2",
  "/?scope=all&q=medicines",
  "/?kind=quote&speaker=patient",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
EOF

# Warm up the caches, then measure.
wrk -t1 -c2 -d3s -s "$work/searches.lua" "$base" >/dev/null
echo "== wrk -t$threads -c$conns -d$duration on $idx"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$work/searches.lua" "$base"
