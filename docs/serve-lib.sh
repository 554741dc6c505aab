# Shared by the serve benchmarks (docs/bench-*.sh), which source it after
# setting port: builds cqcmine unless CQCMINE names a binary, indexes the
# demo corpus unless an index folder is given as $1, starts `cqcmine serve`
# on 127.0.0.1:$port and waits for it to answer. It sets bin, idx, base,
# work (a temporary folder) and server (the server's pid), and removes
# both on exit.
work=$(mktemp -d)
server=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

bin=${CQCMINE:-}
if [ -z "$bin" ]; then
	bin="$work/cqcmine"
	go build -o "$bin" ./cmd/cqcmine
fi
idx=${1:-}
if [ -z "$idx" ]; then
	idx="$work/index"
	"$bin" index --quiet --index "$idx"
fi

"$bin" serve --index "$idx" --addr "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
	curl -fs -o /dev/null "$base/api/providers" && break
	sleep 0.1
done
curl -fs -o /dev/null "$base/api/providers" || { cat "$work/serve.log" >&2; exit 1; }
