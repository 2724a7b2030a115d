// @ts-check
/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time.
 *
 *   node bench/profile-summary.js bench/results/profile/CPU.….cpuprofile [top=15] [fromMs=0] [toMs=end]
 *
 * Self time of a function = the sampling intervals in which it was on top of the stack, summed
 * over every node of the call tree with the same function name, script and line. Only samples
 * between `fromMs` and `toMs` after the profile's start count (to leave out the process start-up,
 * or what follows the load). Also sums self time by area:
 * the npm package (`node_modules/<name>`), Node's own code (`node:<module>`), our code (`dist/…`)
 * or the V8 category (`(garbage collector)`, `(program)`, native functions).
 * @module
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/**
 * @typedef {object} ProfileRow
 * @property {string} name function name (or `(anonymous)`, `(garbage collector)`, `(program)`, `(idle)`)
 * @property {string} where `file:line` relative to the repository (node_modules kept), or the V8 category
 * @property {number} selfMs
 * @property {number} share of the busy (non-idle) sampled time, 0-1
 */

/**
 * @param {string} file a .cpuprofile path
 * @param {number} [top]
 * @param {number} [fromMs] ignore samples before this many ms after the profile's start
 * @param {number} [toMs] ignore samples after this many ms after the profile's start
 * @returns {{ totalMs: number, idleMs: number, rows: ProfileRow[], areas: ProfileRow[] }}
 */
function summariseProfile(file, top = 15, fromMs = 0, toMs = Infinity) {
  /** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number } }[], samples: number[], timeDeltas: number[] }} */
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  /** @type {Map<number, string>} */
  const keyOf = new Map();
  /** @type {Map<string, { name: string, where: string }>} */
  const labels = new Map();
  const root = path.resolve(__dirname, '..');
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const local = url.startsWith('file://') ? path.relative(root, new URL(url).pathname) : url;
    const where = local ? `${local}:${lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    keyOf.set(node.id, key);
    if (!labels.has(key)) labels.set(key, { name, where });
  }
  /** @type {Map<string, number>} */
  const selfUs = new Map();
  let totalUs = 0;
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the interval before sample i; attribute it to that sample's node.
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    elapsedUs += delta;
    if (elapsedUs < fromMs * 1000 || elapsedUs > toMs * 1000) return;
    const key = /** @type {string} */ (keyOf.get(id));
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    totalUs += delta;
  });
  const idleUs = [...selfUs]
    .filter(([key]) => key.startsWith('(idle)'))
    .reduce((a, [, v]) => a + v, 0);
  // Shares are of the busy time: `(idle)` (waiting in the event loop) is reported apart.
  const busyUs = totalUs - idleUs;
  for (const key of [...selfUs.keys()]) if (key.startsWith('(idle)')) selfUs.delete(key);
  const rows = [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const label = /** @type {{ name: string, where: string }} */ (labels.get(key));
      return {
        name: label.name,
        where: label.where,
        selfMs: us / 1000,
        share: busyUs > 0 ? us / busyUs : 0,
      };
    });
  /** @type {Map<string, number>} */
  const areaUs = new Map();
  for (const [key, us] of selfUs) {
    const area = areaOf(/** @type {{ name: string, where: string }} */ (labels.get(key)));
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
  }
  const areas = [...areaUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([area, us]) => ({
      name: area,
      where: '',
      selfMs: us / 1000,
      share: busyUs > 0 ? us / busyUs : 0,
    }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, rows, areas };
}

/**
 * The area a function belongs to: `node_modules/<package>`, `node:<module>`, our `dist/<dir>`, or its name for V8 categories and natives.
 * @param {{ name: string, where: string }} label
 */
function areaOf({ name, where }) {
  if (!where) return name.startsWith('(') ? name : `native: ${name}`;
  const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (pkg) return `node_modules/${pkg[1]}`;
  const builtin = /^node:(?:internal\/)?(?:deps\/)?([^/:]+)/.exec(where);
  if (builtin) return `node:${builtin[1]}`;
  const ours = /^(dist|bench)\/([^/:]+)/.exec(where);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return where.replace(/:\d+$/, '');
}

/**
 * Markdown table of a summary.
 * @param {ReturnType<typeof summariseProfile>} summary
 */
function profileTable(summary) {
  const lines = ['| # | self ms | share | function | where |', '|---:|---:|---:|---|---|'];
  summary.rows.forEach((row, i) => {
    lines.push(
      `| ${i + 1} | ${row.selfMs.toFixed(0)} | ${(row.share * 100).toFixed(1)}% | \`${row.name}\` | ${row.where ? `\`${row.where}\`` : ''} |`,
    );
  });
  lines.push('', '| # | self ms | share | area |', '|---:|---:|---:|---|');
  summary.areas.forEach((row, i) => {
    lines.push(
      `| ${i + 1} | ${row.selfMs.toFixed(0)} | ${(row.share * 100).toFixed(1)}% | \`${row.name}\` |`,
    );
  });
  return lines.join('\n');
}

if (require.main === module) {
  const [file, top, fromMs, toMs] = process.argv.slice(2);
  if (!file) {
    process.stderr.write(
      'usage: node bench/profile-summary.js <file.cpuprofile> [top] [fromMs] [toMs]\n',
    );
    process.exit(2);
  }
  const summary = summariseProfile(
    file,
    top ? Number(top) : 15,
    fromMs ? Number(fromMs) : 0,
    toMs ? Number(toMs) : Infinity,
  );
  process.stdout.write(
    `sampled ${summary.totalMs.toFixed(0)} ms, of which ${summary.idleMs.toFixed(0)} ms idle; shares are of the busy time\n${profileTable(summary)}\n`,
  );
}

module.exports = { summariseProfile, profileTable };
