/**
 * Issue 20: the log redaction list itself. Our own log calls never pass these fields, so only a
 * test that logs them through the real logger notices when an entry disappears. The list below is
 * written out on purpose (not read from REDACTED_PATHS): removing a path from the code must fail here.
 * Also the per-request logger: request ids clients cannot choose, paths without their query.
 */
import express from 'express';
import request from 'supertest';
import { createHttpLogger, createLogger, pathOnly } from '../../src/web/logger';
import { LogCapture } from '../support/log-capture';

const SECRET = 'secret-value-that-must-not-be-logged';

/** Every field censored at the top level and one level down (`*.field`). */
const SECRET_FIELDS = [
  'code',
  'state',
  'id_token',
  'access_token',
  'refresh_token',
  'client_secret',
  'token',
];

function logOnce(object: Record<string, unknown>): Record<string, unknown> {
  const capture = new LogCapture();
  createLogger('info', capture).info(object, 'line');
  expect(capture.lines).toHaveLength(1);
  return capture.records()[0]!;
}

describe('the redaction list: each path, logged through the real logger, is censored', () => {
  test.each([...SECRET_FIELDS, 'password'])('top-level %s', (field) => {
    const record = logOnce({ [field]: SECRET, kept: 'visible' });
    expect(record[field]).toBe('[redacted]');
    expect(record.kept).toBe('visible');
  });

  test.each(SECRET_FIELDS)('nested %s (one level down, any parent)', (field) => {
    const record = logOnce({ exchange: { [field]: SECRET, kept: 'visible' } });
    expect(record.exchange).toEqual({ [field]: '[redacted]', kept: 'visible' });
  });

  test.each([
    ['req.headers.cookie', { req: { headers: { cookie: `sso_session=${SECRET}` } } }],
    ['req.headers.authorization', { req: { headers: { authorization: `Bearer ${SECRET}` } } }],
    ['res.headers["set-cookie"]', { res: { headers: { 'set-cookie': `sso_session=${SECRET}` } } }],
    ['headers.cookie', { headers: { cookie: `sso_session=${SECRET}` } }],
    ['headers.authorization', { headers: { authorization: `Bearer ${SECRET}` } }],
  ])('%s', (_path, object) => {
    const capture = new LogCapture();
    createLogger('info', capture).info(object, 'line');
    expect(capture.text()).not.toContain(SECRET);
    expect(capture.text()).toContain('[redacted]');
  });

  test('a line carrying every secret field at once shows none of them', () => {
    const object = Object.fromEntries(SECRET_FIELDS.map((field) => [field, SECRET]));
    const capture = new LogCapture();
    createLogger('info', capture).info({ ...object, nested: object }, 'line');
    expect(capture.text()).not.toContain(SECRET);
  });

  test('lines carry the service name, an ISO time, and honour the level', () => {
    const capture = new LogCapture();
    const logger = createLogger('warn', capture);
    logger.info('dropped');
    logger.warn('kept');
    expect(capture.lines).toHaveLength(1);
    const record = capture.records()[0]!;
    expect(record.service).toBe('vercel-marketplace-sso');
    expect(record.msg).toBe('kept');
    expect(String(record.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  });
});

describe('the per-request logger', () => {
  function app(trustIncomingRequestId: boolean | undefined, capture: LogCapture): express.Express {
    const a = express();
    const logger = createLogger('info', capture);
    a.use(
      trustIncomingRequestId === undefined
        ? createHttpLogger(logger)
        : createHttpLogger(logger, trustIncomingRequestId),
    );
    a.get('/ok', (_req, res) => {
      res.send('ok');
    });
    a.get('/missing', (_req, res) => {
      res.status(404).send('no');
    });
    a.get('/broken', (_req, res) => {
      res.status(502).send('upstream');
    });
    a.get('/bad', (_req, res) => {
      res.status(400).send('bad');
    });
    a.get('/internal', (_req, res) => {
      res.status(500).send('internal');
    });
    a.get('/fine', (_req, res) => {
      res.status(399).send('fine');
    });
    return a;
  }

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  test.each([false, undefined])(
    'a client-sent X-Request-Id is ignored unless trusted (trust: %s): the id is our own UUID',
    async (trust) => {
      const capture = new LogCapture();
      const response = await request(app(trust, capture))
        .get('/ok')
        .set('X-Request-Id', 'client-chosen-id');
      expect(response.headers['x-request-id']).toMatch(UUID);
      expect((capture.records()[0]!.req as { id: string }).id).toBe(
        response.headers['x-request-id'],
      );
    },
  );

  test('trusted: a well-formed incoming id is kept, a malformed one replaced', async () => {
    const capture = new LogCapture();
    const a = app(true, capture);
    const kept = await request(a).get('/ok').set('X-Request-Id', 'proxy-id.0001_ok');
    expect(kept.headers['x-request-id']).toBe('proxy-id.0001_ok');
    for (const bad of ['short', 'x'.repeat(65), 'has space in it', 'semi;colon-id']) {
      const replaced = await request(a).get('/ok').set('X-Request-Id', bad);
      expect(replaced.headers['x-request-id']).toMatch(UUID);
    }
    const longest = await request(a).get('/ok').set('X-Request-Id', 'y'.repeat(64));
    expect(longest.headers['x-request-id']).toBe('y'.repeat(64));
  });

  test('the logged URL is the path only: the query (code, state) never reaches the log', async () => {
    const capture = new LogCapture();
    await request(app(false, capture)).get(`/ok?code=${SECRET}&state=${SECRET}#frag`);
    expect(capture.text()).not.toContain(SECRET);
    const record = capture.records()[0]!;
    expect(record.req).toEqual({ id: expect.any(String), method: 'GET', path: '/ok' });
    expect(record.res).toEqual({ statusCode: 200 });
    expect(record.msg).toBe('GET /ok 200');
  });

  test('levels: 2xx/3xx info, 4xx warn, 5xx error (400 and 500 included)', async () => {
    const capture = new LogCapture();
    const a = app(false, capture);
    for (const path of ['/ok', '/fine', '/bad', '/missing', '/internal', '/broken'])
      await request(a).get(path);
    expect(capture.records().map((r) => [r.msg, r.level])).toEqual([
      ['GET /ok 200', 30],
      ['GET /fine 399', 30],
      ['GET /bad 400', 40],
      ['GET /missing 404', 40],
      ['GET /internal 500', 50],
      ['GET /broken 502', 50],
    ]);
  });

  test('pathOnly cuts at ? or # and bounds the length', () => {
    expect(pathOnly('/callback?code=x')).toBe('/callback');
    expect(pathOnly('/a#b?c')).toBe('/a');
    expect(pathOnly('/plain')).toBe('/plain');
    expect(pathOnly(`/${'p'.repeat(500)}`).length).toBeLessThan(300);
  });
});
