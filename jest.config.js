/**
 * jest 30 + ts-jest. jose v6 and openid-client v6 (and oauth4webapi) are ESM-only packages:
 * ts-jest transforms them to CommonJS (allowJs in tsconfig.json) so jest's CommonJS runtime
 * can load them. The compiled app does not need this: Node >= 22.12 (and 20.19) can require() ESM.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      { tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 20000,
};
