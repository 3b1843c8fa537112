#!/usr/bin/env bash
# Starts N mesh-node processes on 127.0.0.1 in one cluster (P5, P10 of shared/targets.md) and prints
# time to all Up, RSS per node, CPU of the idle mesh and cluster TCP bytes/s per node.
#   scripts/mesh-scale.sh [N=10] [IDLE_SECONDS=30]
# Env: MESH_SCALE_HTTP_BASE (default 23000), MESH_SCALE_AKKA_BASE (24000), MESH_SCALE_HEAP (hard heap
# limit per node, default 0x6000000 = 96 MiB), MESH_SCALE_PROFILE (extra HOCON file, e.g. hocon/radio.hocon),
# MESH_SCALE_STARTING (at most this many nodes starting at once; default 0 = all at once),
# MESH_SCALE_TIMEOUT (seconds to wait for all Up, default 180),
# MESH_SCALE_NO_BUILD=1 to skip the Release build, MESH_SCALE_RELAY=1 to measure relay latency on the
# same node (P1) and across two nodes (P2) after the idle figures (scripts/mesh-relay-latency.mjs).
# Every node is started and killed by its PID; the run ends on its own after the timeout.
set -euo pipefail

nodes=${1:-10}
idle_seconds=${2:-30}
http_base=${MESH_SCALE_HTTP_BASE:-23000}
akka_base=${MESH_SCALE_AKKA_BASE:-24000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/mesh-scale.XXXXXX)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

if [[ "${MESH_SCALE_NO_BUILD:-}" != 1 ]]; then
  dotnet build "$root/src/Mesh.Node" -c Release -o "$root/scripts/.mesh-scale-bin" -v quiet -nologo >/dev/null
fi
binary="$root/scripts/.mesh-scale-bin/mesh-node.dll"

# Small-memory settings: hocon/small.hocon (one DotNetty thread per socket pool, a failure detector that
# rides through the start-up storm), quiet logs; workstation non-concurrent GC with a hard heap limit,
# no dynamic PGO (its instrumented tier costs CPU in every process), no W^X double mapping of JIT'd
# code (it costs start-up CPU). Why and what each saves: docs/benchmarks.md (P5).
{
  cat "$root/hocon/small.hocon"
  if [[ -n "${MESH_SCALE_PROFILE:-}" ]]; then cat "$MESH_SCALE_PROFILE"; fi
  cat <<'HOCON'
mesh.log.level = Warning
# The latency client sends 10 offers/s per client; the per-client limit is not what is measured.
mesh.signaling.rate-limit { messages-per-minute = 1000000, burst = 1000000 }
HOCON
} > "$work/scale.hocon"

seed="akka.tcp://mesh@127.0.0.1:$((akka_base + 1))"
export DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_GCHeapHardLimit=${MESH_SCALE_HEAP:-0x6000000} DOTNET_TieredPGO=0 \
  DOTNET_EnableWriteXorExecute=0
starting_max=${MESH_SCALE_STARTING:-0}

# A node is starting until its actor system answers (/api/status 200): that is where its CPU goes
# (JIT, host, actor system); joining afterwards is cheap. Starting all 50 at once makes every one of
# them slow and starves the heartbeats of those already up.
start_node() {
  local i=$1
  mkdir -p "$work/node$i"
  dotnet "$binary" --config "$work/scale.hocon" --port $((http_base + i)) --bind 127.0.0.1 \
    --akka-port $((akka_base + i)) --ops-port 0 --host 127.0.0.1 --data-dir "$work/node$i" --no-mdns \
    --seed "$seed" >"$work/node$i.log" 2>&1 &
  pids+=($!)
}
has_started() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$((http_base + $1))/api/status") == 200 ]]; }

timeout_seconds=${MESH_SCALE_TIMEOUT:-180}
started=$(date +%s.%N)
deadline=$(( ${started%.*} + timeout_seconds ))
starting=()
for i in $(seq 1 "$nodes"); do
  while (( starting_max > 0 && ${#starting[@]} >= starting_max )); do
    sleep 0.2
    if (( $(date +%s) > deadline )); then echo "only $((i - 1)) of $nodes nodes started within $timeout_seconds s" >&2; exit 1; fi
    still=()
    for j in "${starting[@]}"; do has_started "$j" || still+=("$j"); done
    starting=("${still[@]+"${still[@]}"}")
  done
  start_node "$i"
  starting+=("$i")
done
all_started=$(python3 -c "print(f'{$(date +%s.%N) - $started:.1f}')")

# All Up = node 1 sees N members up and nobody unreachable.
up_count() {
  curl -s --max-time 2 "http://127.0.0.1:$((http_base + 1))/api/mesh" 2>/dev/null |
    python3 -c 'import json,sys
try:
  v=json.load(sys.stdin); print(sum(m["status"]=="up" for m in v["members"]) if not v["unreachable"] else -1)
except Exception: print(0)'
}
while (( $(up_count) != nodes )); do
  if (( $(date +%s) > deadline )); then echo "not all $nodes nodes Up within $timeout_seconds s of the first start (last: $(up_count))" >&2; exit 1; fi
  sleep 0.5
done
all_up=$(python3 -c "print(f'{$(date +%s.%N) - $started:.1f}')")
window=$([[ $starting_max == 0 ]] && echo "all started at once" || echo "at most $starting_max starting at once")
echo "nodes: $nodes   all Up after: ${all_up} s from the first start (last node started at ${all_started} s, $window)"

# Let joining traffic settle, then measure the idle mesh with nothing polling it.
sleep 10
ticks=$(getconf CLK_TCK)
cpu_ticks() { local total=0; for pid in "${pids[@]}"; do read -r -a f < "/proc/$pid/stat"; total=$(( total + f[13] + f[14] )); done; echo "$total"; }
# Every Akka connection has one end on an Akka port of ours, and each byte is sent by one socket.
akka_ports="( sport >= :$((akka_base + 1)) and sport <= :$((akka_base + nodes)) ) or ( dport >= :$((akka_base + 1)) and dport <= :$((akka_base + nodes)) )"
tcp_bytes() { ss -tinH state established "$akka_ports" 2>/dev/null | grep -o 'bytes_sent:[0-9]*' | awk -F: '{ s += $2 } END { print s + 0 }'; }
cpu0=$(cpu_ticks); bytes0=$(tcp_bytes); t0=$(date +%s.%N)
sleep "$idle_seconds"
cpu1=$(cpu_ticks); bytes1=$(tcp_bytes); t1=$(date +%s.%N)

python3 - "$nodes" "$cpu0" "$cpu1" "$bytes0" "$bytes1" "$t0" "$t1" "$ticks" "${pids[@]}" <<'PY'
import sys, statistics
n, cpu0, cpu1, b0, b1, t0, t1, ticks = int(sys.argv[1]), *map(int, sys.argv[2:6]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
pids = sys.argv[9:]
seconds = t1 - t0
rss = []
for pid in pids:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): rss.append(int(line.split()[1]) / 1024)
cores = (cpu1 - cpu0) / ticks / seconds
print(f"RSS per node (MB): median {statistics.median(rss):.0f}, min {min(rss):.0f}, max {max(rss):.0f}, total {sum(rss):.0f}")
print(f"idle CPU: {cores:.2f} cores for the mesh, {cores / n * 1000:.1f} millicores per node (over {seconds:.0f} s)")
print(f"cluster traffic: {(b1 - b0) / seconds / n:.0f} bytes/s sent per node ({(b1 - b0) / seconds:.0f} bytes/s for the mesh)")
PY

if [[ "${MESH_SCALE_RELAY:-}" == 1 ]]; then
  node --experimental-websocket --no-warnings "$root/scripts/mesh-relay-latency.mjs" \
    "ws://127.0.0.1:$((http_base + 1))/ws/signal" "ws://127.0.0.1:$((http_base + 2))/ws/signal" 20 20 10
fi
