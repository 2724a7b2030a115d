#!/bin/sh
# Removes from a compiled dist/ everything the production image must not carry: the Vercel emulator,
# the CLI, the local demo, the conformance kit and any emitted test or bench code. Run by the Dockerfile's runtime stage
# on its copy of dist/, and by test/integration/package/image-contents.test.ts on a copy of a fresh build, so the
# test proves what the image holds. Usage: scripts/prune-image-dist.sh <dist directory>
set -eu
dist="${1:?usage: prune-image-dist.sh <dist directory>}"
[ -f "$dist/server.js" ] || { echo "prune-image-dist: $dist/server.js not found (not a build?)" >&2; exit 1; }
rm -rf "$dist/emulator" "$dist/cli" "$dist/dev" "$dist/conformance" "$dist/test" "$dist/bench"
# Type declarations and source maps are not needed at run time.
find "$dist" -type f \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.js.map' -o -name '*.test.js' \) -exec rm -f {} +
find "$dist" -type d -empty -delete
