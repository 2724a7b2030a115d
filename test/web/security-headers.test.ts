/**
 * Issue 20: the security headers of the library's routes, exactly: a browser enforces every
 * directive, so a dropped or widened one is a defence gone (OWASP ASVS V14.4; RFC 9700 §4.2.4).
 */
import express from 'express';
import request from 'supertest';
import { parseVercelSsoOptions } from '../../src/config/options';
import { securityHeaders } from '../../src/web/security-headers';

function headersFor(options: Record<string, unknown>) {
  const settings = parseVercelSsoOptions({
    clientId: 'oac_test',
    clientSecret: 'secret',
    sessionSecret: 'x'.repeat(32),
    ...options,
  });
  const app = express();
  app.get('/page', securityHeaders(settings), (_req, res) => {
    res.send('ok');
  });
  return request(app).get('/page');
}

function directives(csp: string): Record<string, string> {
  return Object.fromEntries(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values.join(' ')];
    }),
  );
}

test('https: the full CSP, HSTS for a year without sub-domains, no Referer', async () => {
  const response = await headersFor({
    publicUrl: 'https://app.example.com',
    deepLinkAllowedOrigins: ['https://docs.example.com', 'https://app.example.com'],
  });
  expect(directives(response.headers['content-security-policy'] as string)).toEqual({
    'default-src': "'self'",
    'script-src': "'self'",
    'style-src': "'self'",
    'img-src': "'self' data: https: https://api.vercel.com https://vercel.com",
    'font-src': "'self'",
    'connect-src': "'self'",
    'form-action': "'self' https://docs.example.com",
    'frame-ancestors': "'none'",
    'base-uri': "'none'",
    'object-src': "'none'",
    'upgrade-insecure-requests': '',
  });
  expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['cross-origin-embedder-policy']).toBeUndefined();
  expect(response.headers['x-content-type-options']).toBe('nosniff');
});

test('http (development): no HSTS, no upgrade-insecure-requests; the Vercel origins listed once each', async () => {
  const response = await headersFor({
    publicUrl: 'http://localhost:3000',
    vercel: { apiUrl: 'http://127.0.0.1:4000', ssoUrl: 'http://127.0.0.1:4000' },
  });
  const csp = directives(response.headers['content-security-policy'] as string);
  expect(csp['img-src']).toBe("'self' data: https: http://127.0.0.1:4000");
  expect(csp['form-action']).toBe("'self'");
  expect(csp).not.toHaveProperty('upgrade-insecure-requests');
  expect(response.headers['strict-transport-security']).toBeUndefined();
});
