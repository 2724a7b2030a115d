/**
 * Issue 19: every log field that can carry client input is cut at one shared limit; the rate-limit
 * line used to log the whole path.
 */
import request from 'supertest';
import { LOG_FIELD_MAX_CHARS } from '../../../src/flow/log-field';
import { ACME, startHarness } from '../../support/harness';

test('a 12 kB path over the rate limit gives log fields of at most LOG_FIELD_MAX_CHARS characters', async () => {
  const h = await startHarness({ RATE_LIMIT_CALLBACK_MAX: '1' });
  try {
    const longPath = `/resources/${'a'.repeat(12_000)}`;
    const hint = `sso_installation=${ACME.installationId}`;
    await request(h.sso.app).get(longPath).set('Cookie', hint);
    const limited = await request(h.sso.app).get(longPath).set('Cookie', hint);
    expect(limited.status).toBe(429);

    const rateLimited = h.logs.records().find((r) => r.event === 'rate_limited');
    expect(rateLimited).toBeDefined();
    expect(rateLimited!.path).toBe(longPath.slice(0, LOG_FIELD_MAX_CHARS));
    const fields = (record: unknown): string[] =>
      typeof record === 'string'
        ? [record]
        : record && typeof record === 'object'
          ? Object.values(record).flatMap(fields)
          : [];
    for (const record of h.logs.records()) {
      for (const value of fields(record))
        expect(value.length).toBeLessThanOrEqual(LOG_FIELD_MAX_CHARS + 20);
    }
    expect(Math.max(...h.logs.lines.map((line) => line.length))).toBeLessThan(2_000);
  } finally {
    await h.close();
  }
});
