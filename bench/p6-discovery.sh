#!/usr/bin/env bash
# P6 (docs/benchmarks.md): how long until a newly started node is listed in a peer's /api/local-servers.
# Builds a LAN of network namespaces (addresses 10.77.0.x exist only inside them), keeps node A up, then
# RUNS times starts node B, polls A's /api/local-servers from inside A's namespace until B appears,
# stops B in order (its goodbye) and waits until A no longer lists it. Needs root, iproute2, curl.
# Usage: bench/p6-discovery.sh [RUNS]   (build first: dotnet build src/Mesh.Node -c Release)
set -euo pipefail
RUNS=${1:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE=${MESH_NODE_DLL:-$ROOT/src/Mesh.Node/bin/Release/net10.0/mesh-node.dll}
[ -f "$NODE" ] || { echo "no $NODE: run 'dotnet build src/Mesh.Node -c Release' first" >&2; exit 2; }
P=p6x$$
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in $P-h1 $P-h2; do
    for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del $ns 2>/dev/null || true
  done
  ip netns del $P-br 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add $P-br
ip -n $P-br link add br0 type bridge
ip -n $P-br link set br0 up
for i in 1 2; do
  ip netns add $P-h$i
  ip link add ${P}h$i type veth peer name ${P}b$i netns $P-br
  ip -n $P-br link set ${P}b$i master br0
  ip -n $P-br link set ${P}b$i up
  ip link set ${P}h$i netns $P-h$i
  ip -n $P-h$i link set ${P}h$i name eth0
  ip -n $P-h$i addr add 10.77.0.$i/24 dev eth0
  ip -n $P-h$i link set eth0 up
  ip -n $P-h$i link set lo up
  ip -n $P-h$i route add 224.0.0.0/4 dev eth0
done

start_node() { # host-number data-dir log
  ip netns exec $P-h$1 dotnet "$NODE" --port 8080 --akka-port 4053 --ops-port 0 --host 10.77.0.$1 --data-dir "$2" >"$3" 2>&1 &
  PIDS+=($!)
  echo $!
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

start_node 1 "$WORK/a" "$WORK/a.log" >/dev/null
ip netns exec $P-h1 bash -c 'until curl -sf http://10.77.0.1:8080/readyz >/dev/null; do sleep 0.05; done'

echo "run  start->listed_ms  listed-ready_ms  mdns_up->seen_ms   (listed-ready < 0: listed before B was ready)"
for run in $(seq "$RUNS"); do
  rm -rf "$WORK/b"
  t0=$(now_ms)
  b=$(start_node 2 "$WORK/b" "$WORK/b.log")
  # B's readiness and A's listing are polled side by side, each from inside its own namespace.
  ip netns exec $P-h2 bash -c 'until curl -sf http://10.77.0.2:8080/readyz >/dev/null; do sleep 0.01; done; date +%s%N' >"$WORK/ready" &
  waiter=$!
  ip netns exec $P-h1 bash -c 'until curl -s http://10.77.0.1:8080/api/local-servers | grep -q 10.77.0.2; do sleep 0.01; done'
  t1=$(now_ms)
  wait $waiter
  ready=$(( $(cat "$WORK/ready") / 1000000 ))
  # Discovery proper, from the two nodes' own logs (same clock): B's mDNS start to A's first sight of B.
  # Akka's own event time ("[11/26/2026 14:14:08.702Z]"), not the time the logger wrote the line.
  event_time() { sed -n 's/.*\[[0-9/]* \([0-9:.]*\)Z\].*/\1/p' | head -1; }
  up=$(grep -a -m1 'mDNS on' "$WORK/b.log" | event_time)
  seen=$(grep -a 'New peer http://10.77.0.2:8080' "$WORK/a.log" | tail -1 | event_time)
  to_ms() { IFS=:. read -r h m s ms <<<"$1"; echo $(( ((10#$h*60 + 10#$m)*60 + 10#$s)*1000 + 10#$ms )); }
  printf "%3d  %17d  %15d  %15d\n" "$run" $((t1 - t0)) $((t1 - ready)) $(( $(to_ms "$seen") - $(to_ms "$up") ))
  kill -TERM "$b"
  wait "$b" 2>/dev/null || true
  ip netns exec $P-h1 bash -c 'while curl -s http://10.77.0.1:8080/api/local-servers | grep -q 10.77.0.2; do sleep 0.05; done'
done
