#!/usr/bin/env bash
# Runs every test of the project on a bare machine: installs what is missing, builds, then the .NET
# suites (actors, daemon, contracts, mesh, discovery, ops), a fuzz run, the docker/ publish check and
# the PWA's unit and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

results=$(mktemp -d)
status=0
dotnet build Mesh.Actors.sln -c Release -p:BuildSuffix="${BUILD_SUFFIX:-test}" -nologo -clp:ErrorsOnly
dotnet test Mesh.Actors.sln -c Release --no-build --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1200000 || status=1
# Hostile input against the Release node (R1); the full 100,000-case run is in docs/benchmarks.md.
node bench/fuzz.js --cases 20000 --http 1000 || status=1
# No Docker engine on the test machines: publish as the Dockerfile does and start the result.
scripts/check-docker-publish.sh || status=1

if [[ -f pwa/package.json ]]; then
  (cd pwa && npm test) || status=1
  if grep -q '"test:e2e"' pwa/package.json; then
    (cd pwa && npm run test:e2e) || status=1
  fi
fi

count() { cat "$results"/*.trx 2>/dev/null | { grep -o "<UnitTestResult [^>]*outcome=\"$1\"" || true; } | wc -l; }
passed=$(count Passed)
failed=$(count Failed)
echo
echo "dotnet: $passed passed, $failed failed"
exit $status
