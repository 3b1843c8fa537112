#!/usr/bin/env bash
# Keeps docker/ honest where no Docker engine runs: performs the Dockerfile's publish steps outside
# Docker, lays the output out as the final image's COPY lines would, checks every path the Dockerfile
# and compose file name, starts the published node from that layout (--version, then a real start to
# /readyz, meshctl and /metrics through it), and prints the package sizes (P8 in docs/benchmarks.md).
#
#   scripts/check-docker-publish.sh                 # publish, layout, start, sizes
#   scripts/check-docker-publish.sh --single-file   # also the self-contained single-file size (linux-x64)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dockerfile="$root/docker/Dockerfile"
compose="$root/docker/compose.yaml"
work="$(mktemp -d /tmp/mesh-docker-check.XXXXXX)"
node_pid=""
cleanup() {
  if [[ -n "$node_pid" ]] && kill -0 "$node_pid" 2>/dev/null; then kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-docker-publish: $*" >&2; exit 1; }
step() { echo "== $*"; }

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) fail "no Docker TARGETARCH for $(uname -m)" ;;
esac

# Dockerfile instructions, continuation lines joined, comments dropped: "STAGE<TAB>INSTRUCTION<TAB>ARGS",
# STAGE being the stage's AS name, or "final" for the last, unnamed one.
instructions() {
  python3 - "$dockerfile" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
lines = [l for l in text.splitlines() if not l.lstrip().startswith('#')]
joined = re.sub(r'\\\n', ' ', '\n'.join(lines))
stage = None
for line in joined.splitlines():
    line = line.strip()
    if not line: continue
    word, _, rest = line.partition(' ')
    if word.upper() == 'FROM':
        parts = rest.split()
        stage = parts[2] if len(parts) == 3 and parts[1].upper() == 'AS' else 'final'
    print(f"{stage}\t{word.upper()}\t{rest.strip()}")
PY
}

step "pwa and build stages: COPY sources exist in the checkout"
while IFS=$'\t' read -r stage word rest; do
  [[ "$stage" != final && "$word" == COPY ]] || continue
  read -ra parts <<<"$rest"
  for source in "${parts[@]:0:${#parts[@]}-1}"; do
    [[ -e "$root/$source" ]] || fail "Dockerfile copies '$source', which is not in the checkout"
  done
done < <(instructions)

step "pwa stage: npm build in pwa/ (/pwa -> $root/pwa)"
while IFS=$'\t' read -r stage word rest; do
  [[ "$stage" == pwa && "$word" == RUN ]] || continue
  # A checkout that already installed the PWA's packages keeps them; the image installs them fresh.
  if [[ "$rest" == "npm ci"* && -d "$root/pwa/node_modules" ]]; then continue; fi
  (cd "$root/pwa" && eval "$rest") >"$work/pwa.log" 2>&1 || { cat "$work/pwa.log"; fail "the pwa stage's '$rest' failed"; }
done < <(instructions)
[[ -f "$root/pwa/dist/index.html" ]] || fail "the pwa stage built no dist/index.html"

step "build stage: the Dockerfile's publish steps (TARGETARCH=$arch, /out -> $work/out)"
while IFS=$'\t' read -r stage word rest; do
  [[ "$stage" == build && "$word" == RUN ]] || continue
  command="${rest//\$TARGETARCH/$arch}"
  command="${command// \/out\// $work/out/}"
  [[ "$command" == *"dotnet publish"* ]] || fail "unexpected RUN in the build stage: $rest"
  (cd "$root" && eval "$command") >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; fail "publish failed"; }
done < <(instructions)

step "final stage: COPY --from=build / --from=pwa into the image layout"
image="$work/image"
while IFS=$'\t' read -r stage word rest; do
  [[ "$stage" == final ]] || continue
  case "$word" in
    COPY)
      read -ra parts <<<"$rest"
      case "${parts[0]}" in
        --from=build) source="$work${parts[1]}" ;;
        --from=pwa) source="$root/pwa${parts[1]#/pwa}" ;;
        *) fail "final stage copies from outside the pwa and build stages: $rest" ;;
      esac
      target="$image${parts[2]}"
      [[ -d "$source" ]] || fail "COPY source ${parts[1]} is not a published folder"
      mkdir -p "$target" && cp -a "$source/." "$target/"
      ;;
    RUN)
      # The only RUN links meshctl onto PATH and makes /data: the link's target must exist.
      [[ "$rest" == *"ln -s /app/meshctl"* ]] || fail "unexpected RUN in the final stage: $rest"
      [[ -x "$image/app/meshctl" ]] || fail "/app/meshctl is not in the image layout"
      ;;
    EXPOSE)
      [[ "$rest" == "8080 4053" ]] || fail "EXPOSE should be the node's HTTP and Akka ports (8080 4053), not '$rest'"
      ;;
    ENTRYPOINT)
      entrypoint="$rest"
      ;;
  esac
done < <(instructions)
[[ -n "${entrypoint:-}" ]] || fail "no ENTRYPOINT"
mapfile -t argv < <(python3 -c 'import json,sys; [print(a) for a in json.loads(sys.argv[1])]' "$entrypoint")
[[ "${argv[0]}" == /app/* ]] || fail "ENTRYPOINT should run the daemon from /app, not ${argv[0]}"
[[ -x "$image${argv[0]}" ]] || fail "ENTRYPOINT ${argv[0]} is not an executable in the published layout"
[[ -f "$image/app/hocon/node.hocon" ]] || fail "hocon/node.hocon is missing beside the daemon"
[[ -f "$image/app/wwwroot/index.html" ]] || fail "the PWA is missing from /app/wwwroot"
local_argv=("$image${argv[0]}")
for arg in "${argv[@]:1}"; do local_argv+=("${arg/#\/data/$work/data}"); done

step "compose: three nodes, node1 the seed, --host per service"
python3 - "$compose" "$root" <<'PY'
import sys, os, yaml
compose = yaml.safe_load(open(sys.argv[1]))
services = compose["services"]
def fail(message): sys.exit(f"check-docker-publish: compose: {message}")
if sorted(services) != ["node1", "node2", "node3"]: fail(f"expected node1..node3, found {sorted(services)}")
build = services["node1"]["build"]
context = os.path.normpath(os.path.join(os.path.dirname(sys.argv[1]), build["context"]))
if context != os.path.normpath(sys.argv[2]): fail("node1 must build from the repository root")
if not os.path.isfile(os.path.join(context, build["dockerfile"])): fail(f"no {build['dockerfile']} in the build context")
for name, service in services.items():
    command = service["command"]
    if command[command.index("--host") + 1] != name: fail(f"{name} must say --host {name}")
    if not any(p.endswith(":8080") for p in service["ports"]): fail(f"{name} must publish the HTTP port 8080")
    if not any(v.endswith(":/data") for v in service["volumes"]): fail(f"{name} must keep /data in a volume")
    seeds = [command[i + 1] for i, a in enumerate(command) if a == "--seed"]
    expected = [] if name == "node1" else ["akka.tcp://mesh@node1:4053"]
    if seeds != expected: fail(f"{name} seeds {seeds}, expected {expected}")
PY

export DOTNET_ROOT="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
step "the published daemon: --version"
"${local_argv[0]}" --version | grep -E '^mesh-node [0-9]+\.[0-9]+\.[0-9]+-' || fail "mesh-node --version printed no version"
"$image/app/meshctl" --version | grep -q '^meshctl ' || fail "meshctl --version printed no version"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
http_port="$(free_port)"; ops_port="$(free_port)"
step "the published daemon: a real start on 127.0.0.1:$http_port to /readyz"
ASPNETCORE_HTTP_PORTS= "${local_argv[@]}" --port "$http_port" --bind 127.0.0.1 --akka-port 0 --ops-port "$ops_port" \
  --host 127.0.0.1 --no-mdns >"$work/node.log" 2>&1 &
node_pid=$!
started=$(date +%s%N)
for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$node_pid" 2>/dev/null || { cat "$work/node.log"; fail "the published daemon exited during start"; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$http_port/readyz" >/dev/null || { cat "$work/node.log"; fail "/readyz never answered 200"; }
echo "ready in $(( ($(date +%s%N) - started) / 1000000 )) ms"
"$image/app/meshctl" --port "$ops_port" cluster show | grep -E '\sup\s' >/dev/null || fail "meshctl from the image layout did not show the node Up"
curl -fs "http://127.0.0.1:$http_port/" | grep -qi '<html' || fail "the node does not serve the PWA at /"
curl -fs "http://127.0.0.1:$http_port/metrics" | grep -q '^mesh_cluster_members{status="up"} 1$' || fail "/metrics does not count the node as up"
[[ -f "$work/data/node-id" ]] || fail "the node did not write its data to the volume path"
kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=""

step "P8: package sizes"
size() { du -sb "$1" | cut -f1; }
mib() { python3 -c "print(f'{$1/1048576:.1f} MiB')"; }
node_bytes=$(size "$work/out/node"); ctl_bytes=$(size "$work/out/ctl")
tar -C "$work/out/node" -czf "$work/node.tar.gz" .
echo "framework-dependent linux-$arch, mesh-node on disk:  $node_bytes bytes ($(mib "$node_bytes")), $(find "$work/out/node" -type f | wc -l) files"
echo "framework-dependent linux-$arch, mesh-node tar.gz:   $(size "$work/node.tar.gz") bytes ($(mib "$(size "$work/node.tar.gz")"))"
echo "framework-dependent linux-$arch, meshctl on disk:    $ctl_bytes bytes ($(mib "$ctl_bytes"))"
echo "largest files:"; (cd "$work/out/node" && du -b -- * | sort -rn | head -5 | sed 's/^/  /')

if [[ "${1:-}" == --single-file ]]; then
  step "P8: self-contained single-file linux-x64"
  for compression in false true; do
    out="$work/single-$compression"
    (cd "$root" && dotnet publish src/Mesh.Node -c Release -r linux-x64 --self-contained true -p:PublishSingleFile=true \
      -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=$compression -o "$out") >"$work/single.log" 2>&1 \
      || { cat "$work/single.log"; fail "single-file publish failed"; }
    "$out/mesh-node" --version >/dev/null || fail "the single-file mesh-node does not start"
    echo "self-contained single-file linux-x64, compression=$compression: $(size "$out/mesh-node") bytes ($(mib "$(size "$out/mesh-node")")) + $(( $(size "$out") - $(size "$out/mesh-node") )) bytes beside it"
  done
fi
echo "docker/ checks passed"
