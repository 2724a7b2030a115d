/**
 * Browser end-to-end tests (`npm run test:e2e`): playwright-core driving Debian's Chromium
 * (/usr/bin/chromium) against the emulator and the backend started in-process. Same ts-jest setup as
 * jest.config.js (jose and openid-client are ESM-only and must be transformed). One worker: the
 * tests share one browser and their own servers, and the expiry cases sleep on real time.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      { tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  globalSetup: '<rootDir>/test/e2e/support/global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 1,
};
