// @ts-check
/**
 * `npm run bench:sidecar`: only the sidecar's rows of `npm run bench` (forward-auth check, nginx
 * with and without `auth_request`, upstream mode, and the bare express row they are compared
 * with), in the same interleaved rounds. Same as `node bench/run.js --only=sidecar`; writes
 * bench/results/sidecar.json and sidecar.md.
 * @module
 */
'use strict';

process.argv.push('--only=sidecar');
require('./run');
