#!/usr/bin/env bash
# Runs a mesh node with its built-in defaults (SQLite in ./data, no seed list) and serves the PWA
# on http://localhost:8080. Extra arguments go to mesh-node (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f pwa/package-lock.json && ! -d pwa/node_modules ]]; then
  (cd pwa && npm ci --no-audit --no-fund --loglevel=error)
fi
dotnet build src/Mesh.Node -c Release -nologo -clp:ErrorsOnly
exec dotnet src/Mesh.Node/bin/Release/net10.0/mesh-node.dll "$@"
