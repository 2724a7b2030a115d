/** Where a signed-out user wanted to go (src/flow/return-to.ts): what is remembered, and what comes back. */
import type { Request, Response } from 'express';
import { AuxiliaryCookies, RETURN_TO_MAX_AGE_MS } from '../../src/flow/cookies';
import { MAX_RETURN_TO_LENGTH, ReturnToRecords } from '../../src/flow/return-to';
import { MemoryOneTimeStore } from '../../src/stores/one-time-store';

const ORIGINS = {
  publicOrigin: 'https://sso.example.com',
  allowedOrigins: ['https://sso.example.com', 'https://docs.example.com'],
};

/** A response double that records the cookies set and cleared. */
function response() {
  const set: { name: string; value: string; options: unknown }[] = [];
  const cleared: string[] = [];
  const res = {
    cookie(name: string, value: string, options: unknown) {
      set.push({ name, value, options });
      return res;
    },
    clearCookie(name: string) {
      cleared.push(name);
      return res;
    },
  };
  return { res: res as unknown as Response, set, cleared };
}

const request = (cookie?: string) =>
  ({ headers: cookie === undefined ? {} : { cookie } }) as unknown as Request;

function records(secureCookies = true, origins?: typeof ORIGINS) {
  const store = new MemoryOneTimeStore();
  const cookies = new AuxiliaryCookies({ session: { secureCookies } } as never);
  return { store, cookies, records: new ReturnToRecords(store, cookies, origins) };
}

describe('target: where a user may be sent back to', () => {
  test('a same-origin path with query and fragment is kept', () => {
    const { records: r } = records();
    expect(r.target('/projects/prj_1?tab=usage#top')).toBe('/projects/prj_1?tab=usage#top');
    expect(r.target('/')).toBe('/');
  });

  test.each([
    '',
    'projects',
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '/.//evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '/a\nb',
    '/a\u0000b',
  ])('%j is refused', (value) => {
    expect(records(true, ORIGINS).records.target(value)).toBeUndefined();
  });

  test('absolute URLs: refused without allowed origins; with them, an allowed origin is kept and ours becomes a path', () => {
    expect(records().records.target('https://docs.example.com/a')).toBeUndefined();
    const { records: r } = records(true, ORIGINS);
    expect(r.target('https://docs.example.com/a?b=1')).toBe('https://docs.example.com/a?b=1');
    expect(r.target('https://sso.example.com/resources/r1')).toBe('/resources/r1');
    expect(r.target('https://user@docs.example.com/a')).toBeUndefined();
    expect(r.target('http://docs.example.com/a')).toBeUndefined();
  });

  test(`at most MAX_RETURN_TO_LENGTH (${MAX_RETURN_TO_LENGTH}) characters`, () => {
    const { records: r } = records();
    const atLimit = `/${'a'.repeat(MAX_RETURN_TO_LENGTH - 1)}`;
    expect(r.target(atLimit)).toBe(atLimit);
    expect(r.target(`${atLimit}a`)).toBeUndefined();
  });

  test('a unicode path comes back percent-encoded, still on this site', () => {
    expect(records().records.target('/résumé/状態')).toBe('/r%C3%A9sum%C3%A9/%E7%8A%B6%E6%85%8B');
  });
});

describe('remember and consume', () => {
  test('remember stores the path under a random id in a __Host- cookie for 10 minutes; consume gives it back once', async () => {
    const { records: r, cookies } = records();
    const first = response();
    await r.remember(request(), first.res, '/invoices/inv_1');
    expect(first.set).toHaveLength(1);
    const [cookie] = first.set;
    expect(cookie!.name).toBe('__Host-sso_return_to');
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(cookie!.value).not.toContain('invoices');
    expect(cookie!.options).toEqual(cookies.options(RETURN_TO_MAX_AGE_MS));

    const browser = request(`__Host-sso_return_to=${cookie!.value}`);
    const back = response();
    await expect(r.consume(browser, back.res)).resolves.toBe('/invoices/inv_1');
    expect(back.cleared).toEqual(['__Host-sso_return_to']);
    await expect(r.consume(browser, response().res)).resolves.toBeUndefined();
  });

  test('without Secure cookies the cookie has no __Host- prefix', async () => {
    const { records: r } = records(false);
    const out = response();
    await r.remember(request(), out.res, '/usage');
    expect(out.set[0]!.name).toBe('sso_return_to');
  });

  test('two browsers get two ids; one browser keeps one record (its id is reused)', async () => {
    const { records: r, store } = records();
    const a = response();
    const b = response();
    await r.remember(request(), a.res, '/a');
    await r.remember(request(), b.res, '/b');
    expect(a.set[0]!.value).not.toBe(b.set[0]!.value);

    const again = response();
    const browserA = request(`__Host-sso_return_to=${a.set[0]!.value}`);
    await r.remember(browserA, again.res, '/a2');
    expect(again.set[0]!.value).toBe(a.set[0]!.value);
    expect(store.size).toBe(2);
    await expect(r.consume(browserA, response().res)).resolves.toBe('/a2');
  });

  test.each([
    '/',
    '//evil.example',
    `/${'a'.repeat(MAX_RETURN_TO_LENGTH)}`,
    'https://evil.example/',
  ])('remember(%j) stores nothing and sets no cookie', async (path) => {
    const { records: r, store } = records(true, ORIGINS);
    const out = response();
    await r.remember(request(), out.res, path);
    expect(out.set).toEqual([]);
    expect(store.size).toBe(0);
  });

  test('an allow-listed absolute URL is remembered when origins are given', async () => {
    const { records: r } = records(true, ORIGINS);
    const out = response();
    await r.remember(request(), out.res, 'https://docs.example.com/guide');
    const browser = request(`__Host-sso_return_to=${out.set[0]!.value}`);
    await expect(r.consume(browser, response().res)).resolves.toBe(
      'https://docs.example.com/guide',
    );
  });

  test('consume without the cookie returns nothing and clears nothing', async () => {
    const out = response();
    await expect(records().records.consume(request('other=1'), out.res)).resolves.toBeUndefined();
    expect(out.cleared).toEqual([]);
  });

  test.each(['short', 'a'.repeat(65), 'has space in it 0123', '../../etc/passwd0000'])(
    'a malformed cookie id %j is cleared and returns nothing',
    async (id) => {
      const out = response();
      await expect(
        records().records.consume(
          request(`__Host-sso_return_to=${encodeURIComponent(id)}`),
          out.res,
        ),
      ).resolves.toBeUndefined();
      expect(out.cleared).toEqual(['__Host-sso_return_to']);
    },
  );

  test('a record that is no longer a safe target (e.g. written by an older version) is not followed', async () => {
    const { records: r, store } = records();
    const id = 'A'.repeat(24);
    await store.set(`return-to:${id}`, '//evil.example', 60_000);
    await expect(
      r.consume(request(`__Host-sso_return_to=${id}`), response().res),
    ).resolves.toBeUndefined();
  });
});
