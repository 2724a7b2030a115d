/** Every login failure code maps to one page and status (issue 10), through the public renderer path. */
import express from 'express';
import request from 'supertest';
import { LOGIN_FAILURE_CODES, LOGIN_FAILURE_STATUS, LoginFailure } from '../../src/index';
import { FAILURE_PAGES, PageRenderer, toFailureAnswer } from '../../src/web/pages';

const EXPECTED: Record<string, [number, RegExp]> = {
  invalid_callback: [400, /not valid/],
  login_cancelled: [400, /did not complete/],
  insecure_request: [503, /misconfigured/],
  code_replayed: [400, /no longer valid/],
  exchange_rejected: [400, /no longer valid/],
  exchange_rate_limited: [503, /busy/],
  client_misconfigured: [502, /misconfigured/],
  exchange_timeout: [504, /did not answer in time/],
  exchange_failed: [502, /could not complete/],
  invalid_id_token: [401, /Sign-in failed/],
  issuer_keys_unavailable: [503, /temporarily unavailable/],
  account_hook_failed: [503, /temporarily unavailable/],
  account_refused: [403, /refused/],
  store_unavailable: [503, /unavailable/i],
  session_store_unavailable: [503, /temporarily unavailable/],
  switch_not_found: [400, /no longer valid/],
  no_session: [401, /not signed in/],
  role_not_allowed: [403, /Administrators only/],
  rate_limited: [429, /Too many requests/],
};

test('the expected table covers exactly the exported codes', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...LOGIN_FAILURE_CODES].sort());
  expect(Object.keys(FAILURE_PAGES).sort()).toEqual([...LOGIN_FAILURE_CODES].sort());
});

const renderer = new PageRenderer({ productName: 'Acme', cache: false });
const app = express();
app.get('/fail/:code', (req, res) => {
  const failure = new LoginFailure(
    req.params.code as (typeof LOGIN_FAILURE_CODES)[number],
    { retryAfterSeconds: 7 },
    { cause: new Error('upstream') },
  );
  const answer = toFailureAnswer(failure);
  res.set(answer.headers);
  renderer.send(req, res, {
    kind: answer.kind,
    status: answer.status,
    title: answer.page.title,
    message: answer.page.message,
    code: answer.code,
    data: answer.data,
  });
});

test.each(Object.entries(EXPECTED))(
  '%s → its status and page, as HTML and JSON',
  async (code, [status, title]) => {
    expect(LOGIN_FAILURE_STATUS[code as keyof typeof LOGIN_FAILURE_STATUS]).toBe(status);
    const html = await request(app).get(`/fail/${code}`);
    expect(html.status).toBe(status);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toMatch(title);
    expect(html.text).not.toContain('upstream'); // the cause is never shown
    expect(html.headers['retry-after']).toBe('7');
    const json = await request(app).get(`/fail/${code}`).set('Accept', 'application/json');
    expect(json.status).toBe(status);
    expect(json.body).toMatchObject({ error: { code } });
  },
);

test('a LoginFailure keeps its code, status and cause', () => {
  const cause = new Error('root');
  const failure = new LoginFailure('exchange_timeout', {}, { cause });
  expect(failure).toMatchObject({ name: 'LoginFailure', code: 'exchange_timeout', status: 504 });
  expect(failure.cause).toBe(cause);
});
