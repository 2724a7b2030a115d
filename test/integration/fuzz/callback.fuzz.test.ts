import type { Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { READ_PARAMS } from '../../../src/flow/callback-params';
import { isProviderId } from '../../../src/flow/deep-links';
import { ACME, startHarness, type Harness } from '../../support/harness';

/**
 * Property-based fuzzing of the callback and the dashboard routes (fast-check). Over 11,000
 * generated requests: every answer is 2xx, 3xx or 4xx, every Location stays on an allowed origin,
 * and the process stays up. Issue 13: provider-minted ids of any printable alphabet land on their
 * own page (escaped), and unknown extra parameters never turn a valid login into a 400. A failure prints fast-check's seed and counterexample: add the request
 * to `REGRESSION_CASES` (with the seed in `found`) so it is replayed on every run.
 */
const REGRESSION_CASES: Array<{ found: string; path: string; cookie?: string }> = [
  {
    found: 'hostile review: invalid UTF-8 percent bytes',
    path: '/callback?mode=sso&code=%C0%AF&state=%FF',
  },
  {
    found: 'hostile review: lone percent and %u escapes',
    path: '/callback?mode=sso&code=%&state=%u0041',
  },
  {
    found: 'hostile review: prototype keys',
    path: '/callback?__proto__=x&constructor=y&mode=sso&code=a&state=b',
  },
  {
    found: 'hostile review: JSON-style session cookie (was a 500)',
    path: '/api/session',
    cookie: 'sso_session=j:{"a":1}',
  },
  {
    found: 'hostile review: JSON-style cookie on the callback (was a 500)',
    path: '/callback?mode=sso&code=a&state=b',
    cookie: 'sso_session=j%3A%7B%7D',
  },
  {
    found: 'hostile review: dot segments normalising to //',
    path: '/.//evil.com',
    cookie: 'sso_installation=icfg_acme0000000000000001',
  },
];

const PARAM_NAMES = [
  'mode',
  'code',
  'state',
  'iss',
  'error',
  'error_description',
  'product_id',
  'resource_id',
  'project_id',
  'check_id',
  'invoice_id',
  'experimentation_item_id',
  'pr',
  'path',
  'url',
  'support',
  '__proto__',
  'constructor',
];

/** A percent-encoded byte, valid UTF-8 or not. */
const percentByte = fc
  .integer({ min: 0, max: 255 })
  .map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`);
/** Raw URL text: printable ASCII, percent bytes, unicode, reserved characters. */
const rawText = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 12 }),
      percentByte,
      fc.constantFrom(
        '&',
        '=',
        '[',
        ']',
        '%',
        '#',
        '/',
        '\\',
        '..',
        '//',
        '@',
        ':',
        '?',
        '+',
        ' ',
        '\u0000',
        '\u202e',
        '😀',
      ),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));
/** A value that stays inside one query parameter. */
const queryValue = fc.oneof(
  rawText.map((text) => encodeURIComponent(text)),
  rawText.map((text) => text.replace(/[&#]/g, '')),
  fc.constantFrom(
    'sso',
    'true',
    'billing',
    'support',
    '//evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'http://localhost:3000@evil.example',
    'https://docs.example.com/x',
    'http://localhost:3000/x',
    '../..',
    '%2F%2Fevil.example',
  ),
  fc.integer({ min: 1, max: 6000 }).map((n) => 'x'.repeat(n)),
);
const paramName = fc.oneof(
  fc.constantFrom(...PARAM_NAMES),
  fc.constantFrom(...PARAM_NAMES).map((n) => `${n}[]`),
  fc.constantFrom(...PARAM_NAMES).map((n) => `${n}[a]`),
  rawText.map((t) => encodeURIComponent(t)),
);
const queryString = fc
  .array(fc.tuple(paramName, queryValue), { maxLength: 12 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
const deepLinkContext = fc.dictionary(
  fc.constantFrom(...PARAM_NAMES.filter((n) => !['mode', 'code', 'state'].includes(n))),
  rawText,
  { maxKeys: 5 },
);
const segment = fc.oneof(
  rawText.map((t) => encodeURIComponent(t)),
  fc.constantFrom(
    'store_acmePostgres0001',
    'prj_1',
    '..',
    '%2e%2e',
    '%2F',
    'billing',
    'x'.repeat(300),
  ),
);
const dashboardPath = fc.oneof(
  fc.constantFrom(
    '/',
    '/support',
    '/billing',
    '/usage',
    '/onboarding',
    '/secrets',
    '/signed-out',
    '/api/session',
    '/healthz',
    '/readyz',
    '/nope',
  ),
  segment.map((s) => `/resources/${s}`),
  fc.tuple(segment, segment).map(([a, b]) => `/resources/${a}/${b}`),
  fc
    .tuple(fc.constantFrom('projects', 'checks', 'invoices', 'experimentation', 'static'), segment)
    .map(([r, s]) => `/${r}/${s}`),
  rawText.map((t) => `/${t.replace(/[?#]/g, '')}`),
);

/**
 * Ids the provider minted (issue 13 item 6): any printable character, `:`, `.`, `@`, `|`, unicode,
 * reserved URL characters, and now and then a control character or an over-long id (refused).
 */
const providerId = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
          fc.constantFrom(
            ':',
            '.',
            '@',
            '|',
            '/',
            '?',
            '#',
            '%',
            '&',
            '=',
            '+',
            ' ',
            '..',
            '%2F',
            'flag:',
            '東京',
            '😀',
            '\u202e',
            '<b>',
            '"',
          ),
        ),
        { minLength: 1, maxLength: 10 },
      )
      .map((parts) => parts.join('')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('a\u0000b', 'x\u007f', '\u0085', '.', '..', 'x'.repeat(257)),
  },
);
/** Unknown extra parameters (issue 13 item 8): names we never read, repeated, arrays, nested, long. */
const unknownName = fc.oneof(
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((n) => !READ_PARAMS.includes(n))
    .map((n) => encodeURIComponent(n)),
  fc.constantFrom(
    'utm_source',
    'foo[]',
    'a[b]',
    'x[y][z]',
    'resource_id[]',
    'code[]',
    'state[x]',
    '__proto__',
    'constructor',
    'toString',
    '',
    '%00',
  ),
);
const unknownParams = fc
  .array(fc.tuple(unknownName, fc.oneof(queryValue, fc.constant(''))), { maxLength: 40 })
  .chain((pairs) => fc.tuple(fc.constant(pairs), fc.integer({ min: 1, max: 3 })))
  .map(([pairs, times]) =>
    pairs.flatMap(([k, v]) => Array.from({ length: times }, () => `${k}=${v}`)).join('&'),
  );

let h: Harness;
let server: Server;
let allowedOrigins: string[];

beforeAll(async () => {
  h = await startHarness({
    DEEP_LINK_ALLOWED_ORIGINS: 'https://docs.example.com',
    LOG_LEVEL: 'fatal',
  });
  server = h.sso.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  allowedOrigins = [...h.config.deepLinks.allowedOrigins, h.config.vercel.ssoUrl.origin];
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});

/** The property every answer must satisfy. */
function expectSafe(response: request.Response, what: string): void {
  if (response.status >= 500) throw new Error(`${what} answered ${response.status}`);
  const location = response.headers.location;
  if (location !== undefined) {
    const target = new URL(location, h.config.publicUrl);
    if (!allowedOrigins.includes(target.origin))
      throw new Error(`${what} redirected off-origin to ${location}`);
    // eslint-disable-next-line no-control-regex -- looks for control characters on purpose
    if (/[\u0000-\u001f]/.test(location))
      throw new Error(`${what} put a control character in Location`);
  }
}

// Thousands of requests per property: seconds alone, much longer on a busy shared machine.
jest.setTimeout(180_000);

describe('fuzzing (fast-check)', () => {
  test('6,000 generated /callback query strings: never a 5xx, never an off-origin redirect', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (query) => {
        const path = `/callback?${query}`;
        if (path.length > 15_000) return;
        expectSafe(await request(server).get(path), path);
      }),
      { numRuns: 6000 },
    );
  });

  test('2,000 real sign-in links with generated deep-link parameters: each login lands on an allowed origin', async () => {
    await fc.assert(
      fc.asyncProperty(
        deepLinkContext,
        fc.constantFrom(ACME.admin, ACME.user),
        async (context, userId) => {
          const path = h.callbackPath(userId, context);
          const response = await request(server).get(path);
          expectSafe(response, `login with ${JSON.stringify(context)}`);
          if (![302, 400].includes(response.status))
            throw new Error(`login answered ${response.status}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('800 real logins with provider-minted ids of any printable alphabet: each lands on the page of that id, escaped', async () => {
    const agent = h.agent();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('resource_id', 'invoice_id', 'experimentation_item_id'),
        providerId,
        async (name, id) => {
          const response = await agent.get(h.callbackPath(ACME.admin, { [name]: id }));
          expectSafe(response, `login with ${name}=${JSON.stringify(id)}`);
          if (response.status !== 302) throw new Error(`login answered ${response.status}`);
          const location = response.headers.location as string;
          if (!isProviderId(id)) {
            if (location !== '/')
              throw new Error(`a refused id ${JSON.stringify(id)} landed on ${location}`);
            return;
          }
          const base = {
            resource_id: '/resources/',
            invoice_id: '/invoices/',
            experimentation_item_id: '/experimentation/',
          }[name];
          if (location !== `${base}${encodeURIComponent(id)}`)
            throw new Error(`${name}=${JSON.stringify(id)} landed on ${location}`);
          const page = await agent.get(location);
          if (page.status !== 200) throw new Error(`${location} answered ${page.status}`);
          if (id.includes('<') && page.text.includes(id))
            throw new Error(`${location} shows ${JSON.stringify(id)} unescaped`);
        },
      ),
      { numRuns: 800 },
    );
  });

  test('1,000 real logins with generated unknown extra parameters: never a 400, always the deep link', async () => {
    await fc.assert(
      fc.asyncProperty(unknownParams, fc.boolean(), async (extra, before) => {
        const [pathname, query] = h
          .callbackPath(ACME.admin, { resource_id: ACME.resource })
          .split('?');
        const path =
          extra === ''
            ? `${pathname}?${query}`
            : before
              ? `${pathname}?${extra}&${query}`
              : `${pathname}?${query}&${extra}`;
        if (path.length > 15_000) return;
        const response = await request(server).get(path);
        expectSafe(response, path);
        if (response.status !== 302 || response.headers.location !== `/resources/${ACME.resource}`)
          throw new Error(
            `${path} answered ${response.status} ${String(response.headers.location)}`,
          );
      }),
      { numRuns: 1000 },
    );
  });

  test('2,000 generated dashboard paths, signed out, with an installation hint, and signed in', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    await fc.assert(
      fc.asyncProperty(
        dashboardPath,
        fc.constantFrom('none', 'hint', 'session'),
        async (path, who) => {
          const req = who === 'session' ? agent.get(path) : request(server).get(path);
          if (who === 'hint') req.set('Cookie', `sso_installation=${ACME.installationId}`);
          expectSafe(await req, `${who} GET ${path}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test.each(REGRESSION_CASES)('regression: $found', async ({ found, path, cookie }) => {
    const req = request(server).get(path);
    if (cookie) req.set('Cookie', cookie);
    expectSafe(await req, found);
  });

  test('the process is still up and serving logins', async () => {
    await request(server).get('/healthz').expect(200);
    await h.agent().get(h.callbackPath()).expect(302);
  });
});
