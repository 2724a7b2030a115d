import { loadConfig } from '../src/config';
import { configurationWarnings } from '../src/server';

const base = {
  PUBLIC_URL: 'http://localhost:3000',
  INTEGRATION_CLIENT_ID: 'oac_1',
  INTEGRATION_CLIENT_SECRET: 's',
  SESSION_SECRET: 'x'.repeat(40),
};

describe('start-up warnings', () => {
  test('https PUBLIC_URL with trust proxy off warns about the Secure cookie', () => {
    const warnings = configurationWarnings(
      loadConfig({ ...base, PUBLIC_URL: 'https://sso.example.com' }),
    );
    expect(warnings.join('\n')).toMatch(/TRUST_PROXY/);
  });
  test('https PUBLIC_URL with trust proxy on does not', () => {
    expect(
      configurationWarnings(
        loadConfig({ ...base, PUBLIC_URL: 'https://sso.example.com', TRUST_PROXY: '1' }),
      ),
    ).toEqual([]);
  });
  test('production with the in-process stores warns', () => {
    const warnings = configurationWarnings(
      loadConfig({
        ...base,
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://sso.example.com',
        TRUST_PROXY: 'true',
      }),
    );
    expect(warnings.join('\n')).toMatch(/single instance/);
  });
});

describe('TRUST_REQUEST_ID', () => {
  test('defaults to false; true without a trusted proxy warns that clients choose the id', () => {
    expect(loadConfig(base).trustRequestId).toBe(false);
    const config = loadConfig({ ...base, TRUST_REQUEST_ID: 'true' });
    expect(config.trustRequestId).toBe(true);
    expect(configurationWarnings(config).join('\n')).toMatch(
      /TRUST_REQUEST_ID=true without TRUST_PROXY/,
    );
    expect(
      configurationWarnings(loadConfig({ ...base, TRUST_REQUEST_ID: 'true', TRUST_PROXY: '1' })),
    ).toEqual([]);
    expect(() => loadConfig({ ...base, TRUST_REQUEST_ID: 'maybe' })).toThrow(
      /TRUST_REQUEST_ID is malformed/,
    );
  });
});
