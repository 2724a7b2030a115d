// @ts-check
/**
 * Round statistics of the bench (pure functions, unit-tested in test/bench/stats.test.ts): the
 * median and min–max of a figure across rounds, ratios computed per round from that round's rows,
 * and the verdict of a ratio against its target: "met" when every round meets it, "missed" when
 * no round does, "unclear" when the range crosses the target.
 * @module
 */
'use strict';

/**
 * @typedef {object} Spread
 * @property {number} median NaN when no finite value
 * @property {number} min
 * @property {number} max
 * @property {number} n finite values counted
 */

/**
 * @typedef {object} Target
 * @property {'>=' | '<='} op "at least" or "at most"
 * @property {number} value
 */

/**
 * @typedef {'met' | 'missed' | 'unclear' | 'not measured'} Verdict
 */

/**
 * Median of the finite values (the mean of the two middle ones for an even count); NaN if none.
 * @param {readonly number[]} values
 */
function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (/** @type {number} */ i) => sorted[i] ?? NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/**
 * Median, min and max of the finite values (non-finite ones, e.g. a skipped row, are left out).
 * @param {readonly number[]} values
 * @returns {Spread}
 */
function spread(values) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    n: finite.length,
  };
}

/**
 * One ratio per round: `numerator[i] / denominator[i]`, each from the same round. NaN for a round
 * where either is missing, not finite, or the denominator is 0.
 * @param {readonly (number | undefined)[]} numerator
 * @param {readonly (number | undefined)[]} denominator
 * @returns {number[]}
 */
function perRoundRatios(numerator, denominator) {
  const rounds = Math.max(numerator.length, denominator.length);
  /** @type {number[]} */
  const out = [];
  for (let i = 0; i < rounds; i += 1) {
    const a = numerator[i];
    const b = denominator[i];
    out.push(
      a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
        ? NaN
        : a / b,
    );
  }
  return out;
}

/**
 * Does `value` meet `target`?
 * @param {number} value
 * @param {Target} target
 */
function meets(value, target) {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/**
 * The verdict of a ratio whose rounds spread as `s`: "met" when even its worst round meets the
 * target, "missed" when even its best round misses it, "unclear" when the range crosses it.
 * @param {Spread} s
 * @param {Target} target
 * @returns {Verdict}
 */
function verdict(s, target) {
  if (s.n === 0 || !Number.isFinite(s.min) || !Number.isFinite(s.max)) return 'not measured';
  const worst = target.op === '>=' ? s.min : s.max;
  const best = target.op === '>=' ? s.max : s.min;
  if (meets(worst, target)) return 'met';
  if (!meets(best, target)) return 'missed';
  return 'unclear';
}

/**
 * @typedef {object} RatioDefinition
 * @property {string} id stable key (chart, JSON)
 * @property {string} name what it compares, in words
 * @property {string} numerator row id
 * @property {string} denominator row id
 * @property {'rate' | 'cpuPerOpMs'} figure which figure of the rows is divided
 * @property {Target} target
 * @property {'login' | 'signed-in' | 'sidecar'} area
 */

/**
 * @typedef {RatioDefinition & Spread & { perRound: number[], verdict: Verdict }} RatioResult
 */

/**
 * Evaluate each ratio from the rows' per-round figures.
 * @param {readonly RatioDefinition[]} definitions
 * @param {Record<string, { rounds: ({ rate?: number, cpuPerOpMs?: number } | null)[] } | undefined>} rows
 *   by id; `rounds[i]` is that row's figures in round i (null: not measured in that round)
 * @returns {RatioResult[]}
 */
function evaluateRatios(definitions, rows) {
  return definitions.map((d) => {
    const values = (/** @type {string} */ id) =>
      (rows[id]?.rounds ?? []).map((f) => (f ? f[d.figure] : undefined));
    const perRound = perRoundRatios(values(d.numerator), values(d.denominator));
    const s = spread(perRound);
    return { ...d, perRound, ...s, verdict: verdict(s, d.target) };
  });
}

/**
 * "≥ 0.5x", "≤ 2x".
 * @param {Target} target
 */
function targetText(target) {
  return `${target.op === '>=' ? '≥' : '≤'} ${target.value}x`;
}

module.exports = { median, spread, perRoundRatios, verdict, evaluateRatios, targetText, meets };
