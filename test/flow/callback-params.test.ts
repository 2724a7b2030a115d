/** Query parsing of GET /callback (src/flow/callback-params.ts): what the callback reads and refuses. */
import {
  InvalidCallbackError,
  MAX_CODE_LENGTH,
  MAX_PARAM_LENGTH,
  MAX_STATE_LENGTH,
  parseCallbackQuery,
  READ_PARAMS,
  readCallbackQuery,
} from '../../src/flow/callback-params';

const ISSUER = 'https://marketplace.vercel.com';

/** The reason parseCallbackQuery refuses `query` with (fails the test when it does not refuse). */
function refusal(query: Record<string, unknown>, issuer?: string): string {
  try {
    parseCallbackQuery(query, issuer === undefined ? {} : { issuer });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCallbackError);
    expect((error as Error).name).toBe('InvalidCallbackError');
    return (error as InvalidCallbackError).reason;
  }
  throw new Error('expected the query to be refused');
}

const login = { mode: 'sso', code: 'c0de', state: 'st4te' };

describe('readCallbackQuery', () => {
  test('a URL without a query is an empty object', () => {
    expect(readCallbackQuery('/callback')).toEqual({});
    expect(readCallbackQuery('/callback?')).toEqual({});
  });

  test('decodes values, keeps a repeated parameter as an array and drops the fragment', () => {
    expect(
      readCallbackQuery('/callback?mode=sso&code=a%2Bb&pr=1&pr=2&x=%E2%9C%93#code=frag'),
    ).toEqual({ mode: 'sso', code: 'a+b', pr: ['1', '2'], x: '✓' });
  });

  test('has no key limit: 2,000 unknown parameters placed first do not hide code', () => {
    const noise = Array.from({ length: 2000 }, (_, i) => `n${i}=1`).join('&');
    const query = readCallbackQuery(`/callback?${noise}&mode=sso&code=c&state=s`);
    expect(Object.keys(query)).toHaveLength(2003);
    expect(parseCallbackQuery(query)).toEqual({ kind: 'sso', code: 'c', state: 's', deepLink: {} });
  });

  test('a parameter without a value is the empty string', () => {
    expect(readCallbackQuery('/callback?code&state=')).toEqual({ code: '', state: '' });
  });
});

describe('parseCallbackQuery: a login to complete', () => {
  test('returns code, state and only the deep-link parameters that were sent', () => {
    expect(
      parseCallbackQuery({
        ...login,
        resource_id: 'flag:ab✓',
        url: 'https://sso.example.com/x',
        unknown: 'ignored',
      }),
    ).toEqual({
      kind: 'sso',
      code: 'c0de',
      state: 'st4te',
      deepLink: { resource_id: 'flag:ab✓', url: 'https://sso.example.com/x' },
    });
  });

  test('refuses a mode other than sso, and a missing mode', () => {
    expect(refusal({ ...login, mode: 'SSO' })).toBe('mode is not sso');
    expect(refusal({ code: 'c', state: 's' })).toBe('mode is not sso');
  });

  test('refuses a missing or empty code or state', () => {
    expect(refusal({ mode: 'sso', state: 's' })).toBe('code is missing or empty');
    expect(refusal({ ...login, code: '' })).toBe('code is missing or empty');
    expect(refusal({ mode: 'sso', code: 'c' })).toBe('state is missing or empty');
    expect(refusal({ ...login, state: '' })).toBe('state is missing or empty');
  });

  test('code and state are bounded: the limit passes, one more character is refused', () => {
    expect(parseCallbackQuery({ ...login, code: 'c'.repeat(MAX_CODE_LENGTH) })).toMatchObject({
      kind: 'sso',
    });
    expect(refusal({ ...login, code: 'c'.repeat(MAX_CODE_LENGTH + 1) })).toBe('code is too long');
    expect(parseCallbackQuery({ ...login, state: 's'.repeat(MAX_STATE_LENGTH) })).toMatchObject({
      kind: 'sso',
    });
    expect(refusal({ ...login, state: 's'.repeat(MAX_STATE_LENGTH + 1) })).toBe(
      'state is too long',
    );
  });

  test.each([
    ['a newline', 'a\nb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['a no-break space', 'a\u00a0b'],
  ])('code or state holding %s is refused', (_name, value) => {
    expect(refusal({ ...login, code: value })).toBe('code holds control or space characters');
    expect(refusal({ ...login, state: value })).toBe('state holds control or space characters');
  });

  test('unicode in code or state is accepted as is (Vercel decides what its codes look like)', () => {
    expect(parseCallbackQuery({ ...login, code: 'çødé', state: '状態' })).toMatchObject({
      code: 'çødé',
      state: '状態',
    });
  });
});

describe('parseCallbackQuery: the parameters it reads are strict, the others ignored', () => {
  test.each(READ_PARAMS.map((name) => [name]))(
    'a repeated %s is refused, naming the parameter only',
    (name) => {
      expect(refusal({ ...login, [name]: ['1', '2'] })).toBe(
        `parameter ${name} is repeated or not a string`,
      );
    },
  );

  test('a read parameter over MAX_PARAM_LENGTH is refused; at the limit it is kept', () => {
    expect(refusal({ ...login, resource_id: 'r'.repeat(MAX_PARAM_LENGTH + 1) })).toBe(
      'parameter resource_id is too long',
    );
    expect(
      parseCallbackQuery({ ...login, resource_id: 'r'.repeat(MAX_PARAM_LENGTH) }),
    ).toMatchObject({ deepLink: { resource_id: 'r'.repeat(MAX_PARAM_LENGTH) } });
  });

  test('a nested object (qs-style a[b]=c) for a read parameter is refused', () => {
    expect(refusal({ ...login, code: { a: 'b' } })).toBe(
      'parameter code is repeated or not a string',
    );
  });

  test('unknown parameters are ignored whatever their count, repetition or length', () => {
    expect(
      parseCallbackQuery({ ...login, extra: ['1', '2'], long: 'x'.repeat(100_000), obj: {} }),
    ).toEqual({ kind: 'sso', code: 'c0de', state: 'st4te', deepLink: {} });
  });

  test('the refusal reason never carries a parameter value', () => {
    const secret = 'SECRET-CODE-VALUE';
    for (const query of [
      { ...login, code: `${secret}\n` },
      { ...login, code: [secret, secret] },
      { ...login, code: secret.repeat(200) },
      { ...login, mode: secret },
    ])
      expect(refusal(query)).not.toContain(secret);
  });

  test('inherited properties are not parameters (a prototype-less query and a plain one agree)', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, login);
    expect(parseCallbackQuery(bare)).toEqual(parseCallbackQuery({ ...login }));
  });
});

describe('parseCallbackQuery: iss (RFC 9207)', () => {
  test('an iss equal to the configured issuer, or no iss, is accepted', () => {
    expect(parseCallbackQuery({ ...login, iss: ISSUER }, { issuer: ISSUER })).toMatchObject({
      kind: 'sso',
    });
    expect(parseCallbackQuery(login, { issuer: ISSUER })).toMatchObject({ kind: 'sso' });
  });

  test.each([`${ISSUER}/`, 'https://MARKETPLACE.vercel.com', 'https://evil.example', ''])(
    'iss %j is refused (exact comparison), on an error callback too',
    (iss) => {
      expect(refusal({ ...login, iss }, ISSUER)).toBe('iss does not match the issuer');
      expect(refusal({ error: 'access_denied', iss }, ISSUER)).toBe(
        'iss does not match the issuer',
      );
    },
  );

  test('without a configured issuer any iss is ignored', () => {
    expect(parseCallbackQuery({ ...login, iss: 'https://evil.example' })).toMatchObject({
      kind: 'sso',
    });
  });
});

describe('parseCallbackQuery: an error callback', () => {
  test('returns the OAuth error word and the description, cut at 300 characters', () => {
    expect(
      parseCallbackQuery({ error: 'access_denied', error_description: 'd'.repeat(400) }),
    ).toEqual({ kind: 'error', error: 'access_denied', description: 'd'.repeat(300) });
    expect(parseCallbackQuery({ error: 'login_required' })).toEqual({
      kind: 'error',
      error: 'login_required',
    });
  });

  test.each(['Access_Denied', 'access-denied', '<script>', 'x'.repeat(65), '', 'dénié'])(
    'an error %j that is not an OAuth error word becomes unknown_error',
    (error) => {
      expect(parseCallbackQuery({ error })).toEqual({ kind: 'error', error: 'unknown_error' });
    },
  );

  test('an error wins over a code sent along with it (no exchange is attempted)', () => {
    expect(parseCallbackQuery({ ...login, error: 'access_denied' })).toEqual({
      kind: 'error',
      error: 'access_denied',
    });
  });

  test('a repeated error_description is still refused', () => {
    expect(refusal({ error: 'access_denied', error_description: ['a', 'b'] })).toBe(
      'parameter error_description is repeated or not a string',
    );
  });
});
