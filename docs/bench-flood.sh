#!/usr/bin/env bash
# Send `cqcmine serve` a flood query (77 OR parts of two wildcards each,
# scope=all, about 1,000 bytes), several copies at once, and watch the
# server: each answer's status and time, when the server's CPU falls back
# below 10 % of a core, and its peak and final resident memory.
#
#   docs/bench-flood.sh                 # the demo corpus, indexed into a temporary directory
#   docs/bench-flood.sh ~/real-index    # an existing index
#
# Environment: COPIES (requests at once, default 1), QUERY (the query
# string; default the flood), PORT (18182), CQCMINE (a cqcmine binary;
# default: built from this tree). The bar: an answer (4xx or 503) within
# 11 s, the CPU below 10 % within 2 s of it, resident memory under 1 GB.
# The same query in-process, with the time a cancelled search takes to
# return:
#
#   go test ./index -run TestQueryCost -v [-args -cost.index DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

copies=${COPIES:-1}
port=${PORT:-18182}

. docs/serve-lib.sh

# The flood: part i is *XY* *Z*W with letters picked so that no two parts
# are alike.
query=${QUERY:-}
if [ -z "$query" ]; then
	letters=abcdefghilmnoprstuw
	n=${#letters}
	for i in $(seq 0 76); do
		x=${letters:$((i % n)):1}
		y=${letters:$(((i + 7 * (i / n) + 1) % n)):1}
		z=${letters:$(((3 * i + 2) % n)):1}
		w=${letters:$(((5 * i + 11) % n)):1}
		query+="${query:+ OR }*$x$y* *$z*$w"
	done
fi
echo "query: ${#query} bytes, $copies at once"

tick=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
rss() { awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$server/status"; }
now() { date +%s.%N; }

start=$(now)
for c in $(seq "$copies"); do
	curl -s -o "$work/body.$c" -w '%{http_code} %{time_total}\n' -G "$base/api/search" \
		--data-urlencode "q=$query" --data-urlencode scope=all >"$work/status.$c" &
done

peak=0
answered=""
calm=""
last=$(cpu)
lastt=$(now)
while :; do
	sleep 0.1
	c=$(cpu)
	t=$(now)
	r=$(rss)
	((r > peak)) && peak=$r
	busy=$(awk -v c="$c" -v l="$last" -v t="$t" -v lt="$lastt" -v k="$tick" 'BEGIN { print (((c - l) / k) / (t - lt) >= 0.10) }')
	last=$c
	lastt=$t
	done=$(cat "$work"/status.* 2>/dev/null | wc -l)
	if [ -z "$answered" ] && [ "$done" -ge "$copies" ]; then answered=$(awk -v t="$t" -v s="$start" 'BEGIN { printf "%.2f", t - s }'); fi
	if [ -n "$answered" ]; then
		if [ "$busy" = 1 ]; then calm=""; elif [ -z "$calm" ]; then calm=$(awk -v t="$t" -v s="$start" 'BEGIN { printf "%.2f", t - s }'); fi
		if [ -n "$calm" ] && awk -v t="$t" -v s="$start" -v c="$calm" 'BEGIN { exit !(t - s > c + 1) }'; then break; fi
	fi
	if awk -v t="$t" -v s="$start" 'BEGIN { exit !(t - s > 120) }'; then echo "still busy after 120 s" >&2; break; fi
done
for c in $(seq "$copies"); do
	read -r code took <"$work/status.$c"
	printf 'status %s after %.2fs: %.160s\n' "$code" "$took" "$(cat "$work/body.$c")"
done
echo "all answered at ${answered}s; CPU below 10 % from ${calm:-?}s; peak RSS ${peak} MiB; RSS at the end $(rss) MiB"
