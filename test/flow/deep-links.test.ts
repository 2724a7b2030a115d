import {
  allowedUrl,
  isProviderId,
  isValidId,
  MAX_PROVIDER_ID_LENGTH,
  resolveDeepLink,
  safeLocalPath,
  type DeepLinkParams,
} from '../../src/flow/deep-links';

const options = {
  publicOrigin: 'https://sso.example.com',
  allowedOrigins: ['https://sso.example.com', 'https://docs.example.com'],
};
const land = (params: DeepLinkParams) => resolveDeepLink(params, options);

describe('resolveDeepLink: documented precedence', () => {
  test.each<[string, DeepLinkParams, string, string]>([
    ['nothing', {}, 'home', '/'],
    ['resource', { resource_id: 'store_1', product_id: 'iap_1' }, 'resource', '/resources/store_1'],
    ['project', { project_id: 'prj_1' }, 'project', '/projects/prj_1'],
    [
      'check with project',
      { check_id: 'chk_1', project_id: 'prj_1' },
      'check',
      '/checks/chk_1?project_id=prj_1',
    ],
    ['check alone', { check_id: 'chk_1' }, 'check', '/checks/chk_1'],
    ['invoice', { invoice_id: 'inv_1' }, 'invoice', '/invoices/inv_1'],
    [
      'support=true',
      { support: 'true', resource_id: 'store_1' },
      'support',
      '/support?resource_id=store_1',
    ],
    ['path=support', { path: 'support' }, 'support', '/support'],
    [
      'path=billing with resource',
      { path: 'billing', resource_id: 'store_1' },
      'path',
      '/resources/store_1/billing',
    ],
    ['path=usage', { path: 'usage' }, 'path', '/usage'],
    ['path=onboarding', { path: 'onboarding' }, 'path', '/onboarding'],
    [
      'path=secrets',
      { path: 'secrets', resource_id: 'store_1' },
      'path',
      '/resources/store_1/secrets',
    ],
    [
      'experimentation item',
      { experimentation_item_id: 'exp_1' },
      'experimentation',
      '/experimentation/exp_1',
    ],
    [
      'url on our origin',
      { url: 'https://sso.example.com/resources/store_1?tab=2' },
      'url',
      '/resources/store_1?tab=2',
    ],
    [
      'url on another allowed origin',
      { url: 'https://docs.example.com/guide' },
      'url',
      'https://docs.example.com/guide',
    ],
    [
      'invoice beats project',
      { invoice_id: 'inv_1', project_id: 'prj_1' },
      'invoice',
      '/invoices/inv_1',
    ],
    [
      'check keeps its resource',
      { check_id: 'chk_1', resource_id: 'store_1' },
      'check',
      '/checks/chk_1?resource_id=store_1',
    ],
    [
      'url beats everything',
      { url: 'https://sso.example.com/x', invoice_id: 'inv_1' },
      'url',
      '/x',
    ],
    ['pr is display-only', { pr: 'https://github.com/a/b/pull/1' }, 'home', '/'],
  ])('%s', (_name, params, kind, location) => {
    expect(land(params)).toMatchObject({ kind, location });
  });
});

describe('resolveDeepLink: hostile input falls back with a warning, never off-origin', () => {
  test.each<[string, DeepLinkParams]>([
    ['url on another origin', { url: 'https://evil.example.net/' }],
    ['scheme-relative url', { url: '//evil.example.net' }],
    ['javascript url', { url: 'javascript:alert(1)' }],
    ['our host as a subdomain of another', { url: 'https://sso.example.com.evil.example.net/' }],
    ['userinfo', { url: 'https://sso.example.com@evil.example.net/' }],
    ['userinfo on our own origin', { url: 'https://user:pw@sso.example.com/' }],
    ['http downgrade of our origin', { url: 'http://sso.example.com/' }],
    ['backslash trick', { url: 'https://sso.example.com\\@evil.example.net' }],
    ['data url', { url: 'data:text/html,<script>alert(1)</script>' }],
  ])('%s', (_name, params) => {
    const target = land(params);
    expect(target).toMatchObject({ kind: 'home', location: '/' });
    expect(target.warnings).toEqual(['ignored url: not on an allowed origin']);
  });

  test.each<[string, DeepLinkParams]>([
    ['.. as resource_id (a dot segment even percent-encoded)', { resource_id: '..' }],
    ['control character in resource_id', { resource_id: 'a\u0000b' }],
    ['path //other.example', { path: '//other.example' }],
    ['path /\\other.example', { path: '/\\other.example' }],
    ['unknown path', { path: 'admin' }],
  ])('%s lands home', (_name, params) => {
    const target = land(params);
    expect(target).toMatchObject({ kind: 'home', location: '/' });
    expect(target.warnings.length).toBeGreaterThan(0);
    expect(target.warnings.join(' ')).not.toMatch(/<|\.\.|other\.example/);
  });

  test.each<[string, string]>([
    ['../ in resource_id', '../admin'],
    ['%2F in resource_id', 'a%2Fb'],
    ['slash in resource_id', 'a/b'],
    ['HTML in resource_id', '<img src=x onerror=alert(1)>'],
  ])('%s: a provider-minted id, percent-encoded into one path segment', (_name, resourceId) => {
    const target = land({ resource_id: resourceId });
    expect(target).toMatchObject({
      kind: 'resource',
      location: `/resources/${encodeURIComponent(resourceId)}`,
      warnings: [],
    });
    expect(target.location.split('/')).toHaveLength(3);
  });

  test('a malformed id is skipped and the next rule applies', () => {
    expect(land({ invoice_id: 'bad\nid', project_id: 'prj_1' })).toMatchObject({
      kind: 'project',
      location: '/projects/prj_1',
      warnings: ['ignored malformed invoice_id'],
    });
  });
});

describe('safeLocalPath and allowedUrl', () => {
  test.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example',
    'evil',
    '',
    '/a\nb',
    '/\u0000',
    '/.//evil.com',
    '/%2e//evil.com',
    '/..//evil.com',
    '/a/..//evil.com',
  ])('refuses %j', (path) => {
    expect(safeLocalPath(path)).toBeUndefined();
  });
  test('keeps a plain path with query', () => {
    expect(safeLocalPath('/projects/prj_1?tab=checks')).toBe('/projects/prj_1?tab=checks');
  });
  test('refuses over-long URLs', () => {
    expect(allowedUrl(`https://sso.example.com/${'a'.repeat(3000)}`, options)).toBeUndefined();
  });
});

describe('isValidId: Vercel-minted ids', () => {
  test.each(['prj_1', 'chk_AbC-09', 'icfg_x', 'a'.repeat(128)])('accepts %j', (id) => {
    expect(isValidId(id)).toBe(true);
  });

  test.each([
    undefined,
    '',
    'a'.repeat(129),
    '../etc',
    'prj 1',
    'prj_1\n',
    'prj.1',
    'prj/1',
    'prjé',
    'prj_1%2F',
  ])('refuses %j', (id) => {
    expect(isValidId(id)).toBe(false);
  });
});

describe('isProviderId: ids the provider minted', () => {
  test.each([
    'flag:abc',
    'a.b@c|d',
    'store_1',
    'ünïcödé ✓',
    '状態',
    '👩‍💻',
    '...',
    '.a',
    'a b',
    '<b>',
    '%2F',
    'x'.repeat(MAX_PROVIDER_ID_LENGTH),
  ])('accepts %j', (id) => {
    expect(isProviderId(id)).toBe(true);
  });

  test.each([
    ['undefined', undefined],
    ['empty', ''],
    ['one over the limit', 'x'.repeat(MAX_PROVIDER_ID_LENGTH + 1)],
    ['a dot segment', '.'],
    ['a double-dot segment', '..'],
    ['a newline', 'a\nb'],
    ['NUL', 'a\u0000'],
    ['DEL', 'a\u007f'],
    ['a C1 control (NEL)', 'a\u0085b'],
    ['a lone high surrogate', 'a\ud83d'],
    ['a lone low surrogate', '\udc69b'],
  ])('refuses %s', (_name, id) => {
    expect(isProviderId(id)).toBe(false);
  });

  test('the length limit counts UTF-16 code units: 128 emoji (256 units) pass, 129 do not', () => {
    expect(isProviderId('😀'.repeat(128))).toBe(true);
    expect(isProviderId('😀'.repeat(129))).toBe(false);
  });
});

describe('allowedUrl: the url deep link', () => {
  test('an allowed origin other than ours is kept as an absolute URL, normalised', () => {
    expect(allowedUrl('https://docs.example.com/a/../b?x=1#h', options)).toBe(
      'https://docs.example.com/b?x=1#h',
    );
    expect(allowedUrl('HTTPS://DOCS.EXAMPLE.COM:443/a', options)).toBe(
      'https://docs.example.com/a',
    );
  });

  test('our own origin becomes a path; an sso: prefix is removed first', () => {
    expect(allowedUrl('https://sso.example.com/projects/prj_1?tab=1', options)).toBe(
      '/projects/prj_1?tab=1',
    );
    expect(allowedUrl('sso:https://sso.example.com/invoices/inv_1', options)).toBe(
      '/invoices/inv_1',
    );
    expect(allowedUrl('sso:https://docs.example.com/x', options)).toBe(
      'https://docs.example.com/x',
    );
  });

  test.each([
    'sso:https://evil.example/',
    'sso:sso:https://sso.example.com/',
    'https://docs.example.com:8443/',
    'https://sso.example.com\t.evil.example/',
    'https://sso.example.com/a\\b',
    'https://sso.example.com//evil.example',
    'ftp://sso.example.com/',
    'not a url',
    '',
  ])('refuses %j', (raw) => {
    expect(allowedUrl(raw, options)).toBeUndefined();
  });

  test('the 2,048-character limit applies to the raw value', () => {
    const base = 'https://docs.example.com/';
    const atLimit = base + 'a'.repeat(2048 - base.length);
    expect(allowedUrl(atLimit, options)).toBe(atLimit);
    expect(allowedUrl(`${atLimit}a`, options)).toBeUndefined();
  });
});

describe('safeLocalPath: more shapes', () => {
  test('resolves dot segments and keeps the fragment; unicode is percent-encoded', () => {
    expect(safeLocalPath('/a/./b/../c#top')).toBe('/a/c#top');
    expect(safeLocalPath('/résumé?q=ü')).toBe('/r%C3%A9sum%C3%A9?q=%C3%BC');
  });

  test('at most 2,048 characters', () => {
    const atLimit = `/${'a'.repeat(2047)}`;
    expect(safeLocalPath(atLimit)).toBe(atLimit);
    expect(safeLocalPath(`${atLimit}a`)).toBeUndefined();
  });
});

describe('resolveDeepLink: more edge cases', () => {
  test('empty parameters count as absent, without a warning', () => {
    expect(land({ url: '', invoice_id: '', project_id: '', path: '', resource_id: '' })).toEqual({
      kind: 'home',
      location: '/',
      warnings: [],
    });
  });

  test('support=true wins over a project; a resource rides along as ?resource_id=', () => {
    expect(land({ support: 'true', project_id: 'prj_1', resource_id: 'r 1' })).toEqual({
      kind: 'support',
      location: '/support?resource_id=r%201',
      warnings: [],
    });
  });

  test('support=false is not a support link', () => {
    expect(land({ support: 'false' }).kind).toBe('home');
  });

  test('a refused url and a malformed project both warn, and the next rule still applies', () => {
    expect(land({ url: '//evil.example', project_id: '../x', invoice_id: 'inv 1' })).toEqual({
      kind: 'invoice',
      location: '/invoices/inv%201',
      warnings: ['ignored url: not on an allowed origin'],
    });
    expect(land({ project_id: '../x', check_id: 'chk_1' })).toEqual({
      kind: 'check',
      location: '/checks/chk_1',
      warnings: ['ignored malformed project_id'],
    });
  });

  test('a provider id with a slash, a ?, a # or unicode stays one encoded path segment', () => {
    for (const id of ['a/b', 'a?b=1', 'a#b', 'ünï/✓']) {
      const target = land({ experimentation_item_id: id });
      expect(target.location).toBe(`/experimentation/${encodeURIComponent(id)}`);
      expect(new URL(target.location, 'https://sso.example.com').pathname.split('/')).toHaveLength(
        3,
      );
    }
  });
});
