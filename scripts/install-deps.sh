#!/usr/bin/env bash
# Installs what building and testing need on a bare machine of this project's kind (Debian + .NET SDK
# + Node.js). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the PWA's browser tests; avahi (with dbus, which avahi-browse needs): an independent mDNS peer; openssl: certificate interop;
# iproute2: network namespaces for multi-host tests.
debian_packages=(chromium avahi-daemon avahi-utils dbus openssl iproute2 procps)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node packages of each front-end folder, exactly as locked.
for folder in pwa bench; do
  if [[ -f "$folder/package-lock.json" && ! -d "$folder/node_modules" ]]; then
    echo "installing npm packages in $folder/"
    (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
