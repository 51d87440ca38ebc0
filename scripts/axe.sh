#!/usr/bin/env bash
# Fetch axe-core (the accessibility checker the browser tests inject into pages) from the npm registry.
# `npm ci` installs exactly what scripts/axe/package-lock.json names and checks each tarball against the
# lock's integrity hash (sha512), so a tampered or substituted package fails; no install scripts run.
# To move to another version: change it in scripts/axe/package.json and run
# `npm install --package-lock-only --ignore-scripts` in scripts/axe/.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"axe-core": "\([0-9.]*\)".*/\1/p' scripts/axe/package.json)
target=var/axe/axe-$version.min.js
[ -f "$target" ] && exit 0
command -v npm >/dev/null || { echo "The accessibility tests need npm (Debian package: npm)."; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp scripts/axe/package.json scripts/axe/package-lock.json "$tmp/"
(cd "$tmp" && npm ci --loglevel=error --ignore-scripts --no-audit --no-fund >/dev/null)
mkdir -p var/axe
rm -f var/axe/axe-*.min.js  # the browser tests take the one file there
cp "$tmp/node_modules/axe-core/axe.min.js" "$target"
