import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SsoMetrics } from '../../src/metrics';

// deploy/ ships a Grafana dashboard and example Prometheus alert rules (issue 14 item 2). A query
// that names a metric or a label the service does not export draws an empty panel or never fires:
// every name they use is checked against a real registry's exposition.

const ROOT = path.resolve(__dirname, '..', '..');
const dashboard = JSON.parse(
  readFileSync(path.join(ROOT, 'deploy/grafana/vercel-sso-dashboard.json'), 'utf8'),
) as { uid: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
const rules = parse(readFileSync(path.join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
  groups: Array<{
    name: string;
    rules: Array<{
      alert: string;
      expr: string;
      for: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }>;
  }>;
};

/** Base metric name → its label names, from the exposition of a registry that saw one of everything. */
async function exported(): Promise<Map<string, Set<string>>> {
  const metrics = new SsoMetrics();
  const o = metrics.observer;
  o.loginOutcome('cancelled', 'login_cancelled');
  o.exchangeDuration(0.2);
  o.jwksFetch('ok');
  o.storeError('session', 'timeout');
  o.sessionsRevoked(1);
  o.rateLimited('/callback');
  const labelled: Record<string, string[]> = {
    vercel_sso_logins_total: ['outcome', 'reason'],
    vercel_sso_jwks_fetches_total: ['result'],
    vercel_sso_store_errors_total: ['store', 'kind'],
    vercel_sso_rate_limited_total: ['route'],
    vercel_sso_http_request_duration_seconds: ['method', 'route', 'status_code'],
  };
  const text = (await metrics.scrape()).body;
  const names = new Map<string, Set<string>>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.set(name, new Set([...(labelled[name] ?? []), ...(type === 'histogram' ? ['le'] : [])]));
  }
  return names;
}

const expressions = [
  ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
  ...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
];

test('the dashboard and the alert rules query only metrics and labels the service exports', async () => {
  const names = await exported();
  expect(names.has('vercel_sso_logins_total')).toBe(true);
  expect(names.has('process_cpu_seconds_total')).toBe(true);
  const problems: string[] = [];
  for (const expr of expressions) {
    for (const match of expr.matchAll(
      /\b((?:vercel_sso|process|nodejs)_[a-z0-9_]+)(\{[^}]*\})?/g,
    )) {
      const used = match[1]!;
      const base = names.has(used) ? used : used.replace(/_(bucket|count|sum)$/, '');
      const labels = names.get(base);
      if (!labels) {
        problems.push(`${used}: not exported`);
        continue;
      }
      for (const [, label] of (match[2] ?? '').matchAll(/([a-z_]+)\s*[=!~]+/g)) {
        if (label !== 'job' && label !== 'instance' && !labels.has(label!))
          problems.push(`${used}: no label ${label}`);
      }
    }
    for (const by of expr.matchAll(/by \(([^)]*)\)/g)) {
      for (const label of by[1]!.split(',').map((l) => l.trim())) {
        const known =
          [...(await exported()).values()].some((set) => set.has(label)) ||
          label === 'instance' ||
          label === 'job';
        if (!known) problems.push(`by (${label}): no metric has it`);
      }
    }
    // Outcome values are the closed set of LoginOutcome.
    for (const [, values] of expr.matchAll(/outcome=~?"([^"]*)"/g)) {
      for (const value of values!.split('|'))
        if (!['success', 'replayed', 'cancelled', 'failure'].includes(value))
          problems.push(`outcome ${value}: not an outcome`);
    }
  }
  expect(problems).toEqual([]);
});

test('the example alert rules: login failure ratio and exchange latency p95, each with a for, a severity and a summary', () => {
  const all = rules.groups.flatMap((group) => group.rules);
  expect(all.map((rule) => rule.alert).sort()).toEqual([
    'VercelSsoExchangeLatencyHigh',
    'VercelSsoLoginFailureRatioHigh',
  ]);
  for (const rule of all) {
    expect(rule.for).toMatch(/^\d+m$/);
    expect(rule.labels.severity).toBeTruthy();
    expect(rule.annotations.summary).toBeTruthy();
  }
  expect(all.find((r) => r.alert === 'VercelSsoExchangeLatencyHigh')!.expr).toContain(
    'histogram_quantile(0.95',
  );
  expect(all.find((r) => r.alert === 'VercelSsoLoginFailureRatioHigh')!.expr).toContain(
    'outcome="failure"',
  );
});

test('the README operations section points at both files', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain('deploy/grafana/vercel-sso-dashboard.json');
  expect(readme).toContain('deploy/prometheus/alerts.yml');
  expect(dashboard.uid).toBe('vercel-marketplace-sso');
});
