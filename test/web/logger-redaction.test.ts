/**
 * Issue 16 item 5: the service logger redacts with its paths split once at start-up instead of on
 * every call. What it writes must stay exactly what pino's own redaction writes, secrets censored.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger, REDACTED_PATHS } from '../../src/web/logger';

/** A destination that keeps every line, without its `time` field. */
function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(line.replace(/"time":"[^"]*",/, ''));
      done();
    },
  });
  return { stream, lines };
}

class Custom {
  code = 'custom-secret-code';
  kept = 'visible';
}

const dated = new Date('2026-01-02T03:04:05.000Z');
const inherited = Object.create({ code: 'on-the-prototype' }) as Record<string, unknown>;
inherited.own = 'mine';
const nonEnumerable = { kept: 1 };
Object.defineProperty(nonEnumerable, 'code', { value: 'hidden', enumerable: false });
const nullPrototype = Object.assign(Object.create(null) as object, { token: 'tok', other: 2 });

/** Log objects covering every path shape: top-level censors, `*.x`, nested paths, non-plain values. */
const CORPUS: Record<string, unknown>[] = [
  { code: 'top-code', state: 'top-state', msgValue: 1 },
  { req: { id: 'r1', method: 'GET', path: '/callback' } },
  {
    req: {
      headers: { cookie: 'sid=1', authorization: 'Bearer x', accept: '*/*' },
      code: 'c',
      url: '/x',
    },
  },
  { res: { statusCode: 302, headers: { 'set-cookie': ['a=1'], location: '/' } }, responseTime: 3 },
  { headers: { cookie: 'sid=2', authorization: 'Basic y', host: 'h' } },
  { err: { code: 'ECONNREFUSED', message: 'refused', name: 'Error' } },
  { exchange: { code: 'c2', state: 's2', client_secret: 'cs', id_token: 'jwt', kept: true } },
  {
    tokens: {
      access_token: 'at',
      refresh_token: 'rt',
      token: 't',
      password: 'p',
      nested: { code: 'deep' },
    },
  },
  { list: [{ code: 'in-array' }, 'plain', 3], count: 0, flag: false, nothing: null },
  { when: dated, custom: new Custom(), inherited, nonEnumerable, nullPrototype },
  { text: 'a string', number: 42.5, notFinite: Number.NaN, big: [1, 2, 3] },
  { event: 'login', installation_id: 'icfg_1', user_id: 'u1' },
];

test('the service logger writes exactly what pino redaction writes, for every kind of value', () => {
  const ours = capture();
  const reference = capture();
  const logger = createLogger('info', ours.stream);
  const pinoOwn = pino(
    {
      level: 'info',
      base: { service: 'vercel-marketplace-sso' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    reference.stream,
  );
  for (const entry of CORPUS) {
    logger.info(entry, 'line');
    pinoOwn.info(entry, 'line');
    // Child bindings go through the same redaction.
    logger.child(entry).info({ extra: { code: 'x', kept: 1 } }, 'child');
    pinoOwn.child(entry).info({ extra: { code: 'x', kept: 1 } }, 'child');
  }
  expect(ours.lines).toHaveLength(CORPUS.length * 2);
  expect(ours.lines).toEqual(reference.lines);
});

test('secrets are censored wherever the paths say, and the input objects are left untouched', () => {
  const { stream, lines } = capture();
  const logger = createLogger('info', stream);
  const input = {
    req: { headers: { cookie: 'sid=secret-cookie', accept: 'json' } },
    exchange: { code: 'secret-code', state: 'secret-state', kept: 'visible' },
    res: { headers: { 'set-cookie': 'sid=secret-set-cookie' } },
  };
  logger.info(input, 'request');
  const line = lines.join('\n');
  for (const secret of ['secret-cookie', 'secret-code', 'secret-state', 'secret-set-cookie'])
    expect(line).not.toContain(secret);
  expect(line).toContain('visible');
  expect(line).toContain('"accept":"json"');
  expect(input.exchange.code).toBe('secret-code');
  expect(input.req.headers.cookie).toBe('sid=secret-cookie');
});
