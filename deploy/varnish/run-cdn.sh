#!/usr/bin/env bash
# `make run-cdn`: the API on 127.0.0.1:$PORT, Varnish on $HOST:$CDN_PORT in front of it, and the
# purge worker on 127.0.0.1:$PURGER_PORT, subscribed to the API's webhooks. Ctrl-C (or any of
# the three exiting) stops all three.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
CDN_PORT=${CDN_PORT:-8080}
PURGER_PORT=${PURGER_PORT:-8090}
ORIGIN=http://127.0.0.1:$PORT
CDN=http://$HOST:$CDN_PORT
work=$(mktemp -d -t run-cdn.XXXXXX)
pids=()

stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

wait_for() {  # URL: until it answers 200
    for _ in $(seq 300); do
        $BIN/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" \
            2>/dev/null && return 0
        sleep 0.1
    done
    echo "no answer from $1" >&2
    return 1
}

$BIN/python -m service prepare
# The origin sits behind the CDN, so it listens on loopback only; links point at the CDN.
# It leads a session of its own, so Ctrl-C reaches it once, from stop(): granian's main process
# can deadlock when a second signal lands just as it wakes from the first (docs/operations.md).
HOST=127.0.0.1 PORT=$PORT ALLOW_PRIVATE_WEBHOOKS=true PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-$CDN} \
    setsid $BIN/granian --interface asgi --factory --host 127.0.0.1 --port "$PORT" \
    --workers "${WORKERS:-1}" service.asgi:app &
pids+=($!)
wait_for "$ORIGIN/readyz"

mkdir -p "$work/vcl"
sed "s/\"8000\"/\"$PORT\"/" deploy/varnish/local/backend.vcl > "$work/vcl/backend.vcl"
"$(command -v varnishd || echo /usr/sbin/varnishd)" -F -j none -n "$work/varnishd" -a "$HOST:$CDN_PORT" -T 127.0.0.1:0 \
    -f "$PWD/deploy/varnish/default.vcl" -p vcl_path="$work/vcl" -s malloc,256m &
pids+=($!)

# A short-lived admin token creates the subscription, then goes.
token=$($BIN/python -m service tokens create --name "make run-cdn" --role admin 2>/dev/null)
secret=$(API=$ORIGIN TOKEN=$token URL="http://127.0.0.1:$PURGER_PORT/hooks" \
    $BIN/python deploy/varnish/subscribe.py)
$BIN/python -m service tokens revoke "make run-cdn" 2>/dev/null
PURGER_WEBHOOK_SECRET=$secret $BIN/python -m service purge-worker \
    --listen "127.0.0.1:$PURGER_PORT" --varnish "http://127.0.0.1:$CDN_PORT" &
pids+=($!)
wait_for "http://127.0.0.1:$PURGER_PORT/healthz"
wait_for "http://127.0.0.1:$CDN_PORT/v1/articles"

echo "Serving through Varnish on $CDN (origin $ORIGIN, purge worker on :$PURGER_PORT); Ctrl-C stops all."
wait -n
