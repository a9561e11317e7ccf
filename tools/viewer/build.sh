#!/bin/sh
# Rebuild redshoes/export/viewer/three.bundle.js (three.js + GLTFLoader + OrbitControls, one minified IIFE).
# Usage: cd tools/viewer && npm ci && npm run build   (versions pinned in package.json / package-lock.json)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../redshoes/export/viewer/three.bundle.js"
version=$(node -p "require('$here/node_modules/three/package.json').version")
mkdir -p "$(dirname "$out")"
{
  printf '/*! three.js %s (https://threejs.org), bundled with GLTFLoader and OrbitControls.\n\n' "$version"
  cat "$here/node_modules/three/LICENSE"
  printf '*/\n'
  "$here/node_modules/.bin/esbuild" "$here/entry.js" --bundle --minify --format=iife \
    --global-name=RedShoesThree --target=es2020 --legal-comments=none --log-level=warning
} > "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
