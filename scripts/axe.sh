#!/usr/bin/env bash
# Fetch axe-core (the accessibility checker the browser tests inject into pages) from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.11.1
target=var/axe/axe-$version.min.js
[ -f "$target" ] && exit 0
command -v npm >/dev/null || { echo "The accessibility tests need npm (Debian package: npm)."; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
mkdir -p var/axe
cp "$tmp/package/axe.min.js" "$target"
