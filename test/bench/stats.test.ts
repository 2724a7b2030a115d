/**
 * The bench's round statistics (bench/lib/stats.js) and its chart script (bench/chart.js): pure
 * parts only, no load is generated and nothing is timed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Plain JavaScript modules of the bench (CommonJS, typed by their JSDoc).
import * as stats from '../../bench/lib/stats';
import * as chart from '../../bench/chart';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'bench', 'latest.json');
const atLeast = (value: number) => ({ op: '>=' as const, value });
const atMost = (value: number) => ({ op: '<=' as const, value });

describe('bench round statistics', () => {
  test('median of an odd and an even number of rounds, unsorted, skipping rounds not measured', () => {
    expect(stats.median([3, 1, 2])).toBe(2);
    expect(stats.median([4, 1, 3, 2])).toBe(2.5);
    expect(stats.median([5, NaN, 1, 3])).toBe(3);
    expect(stats.median([])).toBeNaN();
  });

  test('spread gives the median and the lowest and highest round', () => {
    expect(stats.spread([0.8, 0.6, 0.7])).toEqual({ median: 0.7, min: 0.6, max: 0.8, n: 3 });
    expect(stats.spread([NaN]).n).toBe(0);
  });

  test('each ratio is computed per round from that round, not from the medians of the rows', () => {
    // Round 2 is fast for both rows (a quiet moment): its ratio is the same as the others'.
    const memory = [100, 200, 110];
    const baseline = [200, 400, 220];
    expect(stats.perRoundRatios(memory, baseline)).toEqual([0.5, 0.5, 0.5]);
    // A round where a row failed gives no ratio for that round.
    expect(stats.perRoundRatios([1, undefined, 3], [2, 2, 0])).toEqual([0.5, NaN, NaN]);
  });

  test('verdict: met when every round meets the target, missed when none does, unclear when the range crosses it', () => {
    expect(stats.verdict(stats.spread([0.55, 0.6, 0.7]), atLeast(0.5))).toBe('met');
    expect(stats.verdict(stats.spread([0.3, 0.4, 0.45]), atLeast(0.5))).toBe('missed');
    expect(stats.verdict(stats.spread([0.45, 0.52, 0.6]), atLeast(0.5))).toBe('unclear');
    // "At most" targets (CPU per op) read the range the other way round.
    expect(stats.verdict(stats.spread([1.5, 1.9, 2]), atMost(2))).toBe('met');
    expect(stats.verdict(stats.spread([2.1, 2.4]), atMost(2))).toBe('missed');
    expect(stats.verdict(stats.spread([1.8, 2.3]), atMost(2))).toBe('unclear');
    expect(stats.verdict(stats.spread([]), atLeast(1))).toBe('not measured');
  });

  test('evaluateRatios divides the chosen figure of two rows round by round', () => {
    const rows = {
      a: { rounds: [{ rate: 50, cpuPerOpMs: 2 }, { rate: 60, cpuPerOpMs: 2.4 }, null] },
      b: { rounds: [{ rate: 100, cpuPerOpMs: 1 }, { rate: 100, cpuPerOpMs: 1 }, { rate: 90 }] },
    };
    const common = { name: 'a / b', area: 'login' as const };
    const [rate, cpu, absent] = stats.evaluateRatios(
      [
        {
          ...common,
          id: 'rate',
          numerator: 'a',
          denominator: 'b',
          figure: 'rate',
          target: atLeast(0.55),
        },
        {
          ...common,
          id: 'cpu',
          numerator: 'a',
          denominator: 'b',
          figure: 'cpuPerOpMs',
          target: atMost(2),
        },
        {
          ...common,
          id: 'absent',
          numerator: 'x',
          denominator: 'b',
          figure: 'rate',
          target: atLeast(1),
        },
      ],
      rows,
    );
    expect(rate).toMatchObject({ median: 0.55, min: 0.5, max: 0.6, verdict: 'unclear' });
    expect(rate?.perRound.slice(0, 2)).toEqual([0.5, 0.6]);
    expect(cpu).toMatchObject({ min: 2, max: 2.4, verdict: 'unclear' });
    expect(absent?.verdict).toBe('not measured');
  });
});

describe('bench chart', () => {
  const results = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Parameters<
    typeof chart.renderChart
  >[0];
  const escaped = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  test('the SVG names every ratio with its target', () => {
    const svg = chart.renderChart(results);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const ratio of results.ratios) {
      const label = chart.chartLabel(ratio);
      expect(label).toContain(ratio.name);
      expect(svg.includes(label) || svg.includes(escaped(label))).toBe(true);
    }
  });

  test('npm run bench:chart writes the SVG file from a results file', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chart-')), 'ratios.svg');
    execFileSync(process.execPath, [path.join('bench', 'chart.js'), FIXTURE, out], {
      cwd: path.join(__dirname, '..', '..'),
    });
    const svg = fs.readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('express-openid-connect');
  });
});
