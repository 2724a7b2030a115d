/** What the sidecar removes before a request reaches the upstream app (hostile review of issue 11). */
import type { IncomingHttpHeaders } from 'node:http';
import {
  stripClientForwardingHeaders,
  stripClientIdentityHeaders,
  stripCookies,
} from '../../src/sidecar/identity-headers';

test('every spelling of X-Vercel-* a CGI/WSGI/Rack upstream would read is removed', () => {
  const headers: IncomingHttpHeaders = {
    'x-vercel-user-id': 'a',
    x_vercel_user_role: 'ADMIN',
    'X_Vercel-User-Name': 'b',
    'x-vercelish': 'keep',
    accept: '*/*',
  };
  expect(stripClientIdentityHeaders(headers)).toBe(3);
  expect(headers).toEqual({ 'x-vercelish': 'keep', accept: '*/*' });
});

test('client-sent forwarding headers are removed (the sidecar is the edge without a trusted proxy)', () => {
  const headers: IncomingHttpHeaders = {
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    x_forwarded_for: '1.2.3.4',
    forwarded: 'host=evil',
    'x-real-ip': '6.6.6.6',
    host: 'app.example.com',
  };
  expect(stripClientForwardingHeaders(headers)).toBe(5);
  expect(headers).toEqual({ host: 'app.example.com' });
});

test('the library’s own cookies are removed from what the upstream receives; the vendor’s stay', () => {
  const headers: IncomingHttpHeaders = {
    cookie: 'vendor=1; __Host-sso_session=s%3Aabc.def; theme=dark; __Host-sso_installation=icfg_1',
  };
  stripCookies(headers, new Set(['__Host-sso_session', '__Host-sso_installation']));
  expect(headers.cookie).toBe('vendor=1; theme=dark');
  const only: IncomingHttpHeaders = { cookie: '__Host-sso_session=x' };
  stripCookies(only, new Set(['__Host-sso_session']));
  expect(only.cookie).toBeUndefined();
});
