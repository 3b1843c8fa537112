#!/usr/bin/env bash
# The one benchmark command: builds mesh-node (Release), installs the pinned npm packages, raises the
# open-file limit for the capacity runs, then runs bench/run.js (all arguments pass through:
# --quick for the CI smoke run, --servers, --levels, ...). Results go to bench/results/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt 12000 ]; then
  echo "open-file limit $(ulimit -n) is below the 12000 the 10,000-client level needs" >&2
fi

if [[ " $* " != *" --no-build "* ]]; then
  dotnet build "$repo/src/Mesh.Node" -c Release -nologo -v quiet
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

args=()
for arg in "$@"; do [ "$arg" = "--no-build" ] || args+=("$arg"); done
exec node "$here/run.js" "${args[@]}"
