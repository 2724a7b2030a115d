import {
  allowedUrl,
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
