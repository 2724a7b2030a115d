// @ts-check
/**
 * `npm run bench:chart`: the bench's ratios as an SVG chart, from bench/results/latest.json, with
 * echarts' server-side SVG renderer. One horizontal bar per ratio: its median across rounds, an
 * error bar from the lowest to the highest round, and the target as a marker line; the bar's colour
 * is the verdict (met, unclear, missed).
 *
 *   node bench/chart.js [results.json=bench/results/latest.json] [out.svg=docs/bench-ratios.svg]
 * @module
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const echarts = require('echarts');
const { targetText } = require('./lib/stats');

const COLOURS = {
  met: '#2e7d32',
  unclear: '#f9a825',
  missed: '#c62828',
  'not measured': '#9e9e9e',
};

/**
 * The category label of a ratio on the chart: its name and its target.
 * @param {{ name: string, target: import('./lib/stats').Target }} ratio
 */
function chartLabel(ratio) {
  return `${ratio.name} (${targetText(ratio.target)})`;
}

/**
 * Render the ratios of a bench result as an SVG document.
 * @param {{ ratios: import('./lib/stats').RatioResult[], startedAt?: string, settings?: { rounds?: number }, machine?: { nproc?: number, cpuModel?: string }, loadAverage?: { start: number, end: number } }} results
 * @param {{ width?: number, height?: number }} [size]
 * @returns {string}
 */
function renderChart(results, size = {}) {
  const ratios = [...results.ratios].reverse(); // the first ratio at the top
  const width = size.width ?? 1000;
  const height = size.height ?? 110 + 44 * ratios.length;
  const labels = ratios.map(chartLabel);
  const finite = ratios.flatMap((r) => [r.max, r.target.value]).filter(Number.isFinite);
  const axisMax = Math.ceil(Math.max(1, ...finite) * 1.1 * 2) / 2;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const subtitle = [
    results.startedAt ? `run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC` : '',
    results.settings?.rounds ? `${results.settings.rounds} rounds` : '',
    results.machine?.nproc ? `${results.machine.nproc} cores` : '',
    results.loadAverage ? `load average ${results.loadAverage.start.toFixed(2)} at start` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    title: {
      text: 'npm run bench: ratios (bar: median of the rounds, whisker: min–max, mark: target)',
      subtext: subtitle,
      left: 10,
      textStyle: { fontSize: 14 },
    },
    legend: {
      top: 40,
      right: 10,
      data: ['met', 'unclear', 'missed', 'target'],
    },
    grid: { left: 430, right: 40, top: 80, bottom: 30 },
    xAxis: {
      type: 'value',
      min: 0,
      max: axisMax,
      axisLabel: { formatter: '{value}x' },
    },
    yAxis: {
      type: 'category',
      data: labels,
      axisLabel: { width: 410, overflow: 'break', fontSize: 12 },
    },
    series: [
      // One bar series per verdict, so that the legend names the colours.
      .../** @type {const} */ (['met', 'unclear', 'missed']).map((v) => ({
        name: v,
        type: 'bar',
        stack: 'median',
        barWidth: 18,
        itemStyle: { color: COLOURS[v] },
        data: ratios.map((r) => (r.verdict === v && Number.isFinite(r.median) ? r.median : '-')),
      })),
      {
        name: 'min–max',
        type: 'custom',
        renderItem: (
          /** @type {unknown} */ _params,
          /** @type {{ value: (i: number) => number, coord: (p: number[]) => [number, number] }} */ api,
        ) => {
          const [category, low, high] = [api.value(0), api.value(1), api.value(2)];
          const a = api.coord([low, category]);
          const b = api.coord([high, category]);
          const cap = 7;
          const style = { stroke: '#212121', lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style },
              {
                type: 'line',
                shape: { x1: a[0], y1: a[1] - cap, x2: a[0], y2: a[1] + cap },
                style,
              },
              {
                type: 'line',
                shape: { x1: b[0], y1: b[1] - cap, x2: b[0], y2: b[1] + cap },
                style,
              },
            ],
          };
        },
        encode: { x: [1, 2], y: 0 },
        data: ratios
          .map((r, i) => [i, r.min, r.max])
          .filter(([, low, high]) => Number.isFinite(low) && Number.isFinite(high)),
        z: 10,
      },
      {
        // The median's value, written right of the whisker (or of the bar).
        name: 'median',
        type: 'scatter',
        symbolSize: 0,
        silent: true,
        label: {
          show: true,
          position: 'right',
          distance: 6,
          color: '#212121',
          formatter: (/** @type {{ value: number[] }} */ p) => `${(p.value[2] ?? NaN).toFixed(2)}x`,
        },
        data: ratios
          .map((r, i) => [Number.isFinite(r.max) ? r.max : r.median, i, r.median])
          .filter(([x]) => Number.isFinite(x)),
        z: 12,
      },
      {
        name: 'target',
        type: 'scatter',
        symbol: 'rect',
        symbolSize: [3, 30],
        itemStyle: { color: '#1565c0' },
        data: ratios.map((r, i) => [r.target.value, i]),
        z: 11,
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function main() {
  const root = path.resolve(__dirname, '..');
  const input = path.resolve(process.argv[2] ?? path.join(__dirname, 'results', 'latest.json'));
  const output = path.resolve(process.argv[3] ?? path.join(root, 'docs', 'bench-ratios.svg'));
  const results = JSON.parse(fs.readFileSync(input, 'utf8'));
  if (!Array.isArray(results.ratios))
    throw new Error(`${input}: no "ratios" (a result of an older bench?)`);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, `${renderChart(results)}\n`);
  process.stdout.write(
    `${path.relative(process.cwd(), output)}: ${results.ratios.length} ratios\n`,
  );
}

if (require.main === module) main();

module.exports = { renderChart, chartLabel };
