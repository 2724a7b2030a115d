/**
 * The jest configuration Stryker runs (`npm run test:mutation`, see stryker.config.mjs): the
 * in-process suites only. Suites that spawn child processes (backend processes, sidecar stacks,
 * nginx/caddy, redis-server HA/Cluster, the demo process), build or pack the package, drive a
 * browser, fuzz for long, or test the emulator or the CLI (no mutated file behind them) are left
 * out: their coverage cannot be attributed to a mutant, and they would multiply the run time.
 * Patterns match file names and folders, not full paths, so they survive tests moving between
 * folders (`test/unit/x.test.ts` -> `test/<folder>/x.test.ts`, `test/integration/`).
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

/**
 * `MUTATION_TESTS=test/web/logger.test.ts,test/flow/id-token.test.ts` narrows the run to those
 * files (a quick look at one source file's own tests; the score is then a lower bound).
 */
const only = (process.env.MUTATION_TESTS ?? '')
  .split(',')
  .map((file) => file.trim())
  .filter(Boolean);

module.exports = {
  ...base,
  ...(only.length > 0 ? { testMatch: only.map((file) => `<rootDir>/${file}`) } : {}),
  testPathIgnorePatterns: [
    '/node_modules/',
    // whole folders: browser, integration (multi-process), fuzz, emulator, CLI, packaging,
    // conformance (runs dist/server.js as a child process)
    '/test/e2e/',
    // integration suites that run processes, proxies, packages or long fuzzing (login, library,
    // service, redis and vercel-api suites run in process and stay in)
    '/test/integration/(package|sidecar|demo|conformance|hostile-upstream|fuzz)/',
    '/test/fuzz/',
    '\\.fuzz\\.test\\.ts$',
    '/test/emulator/',
    '/test/cli/',
    '/test/package/',
    '/test/conformance/',
    // single suites that start processes or servers outside jest's process
    '/packed\\.test\\.ts$',
    '/consumer\\.test\\.ts$',
    '/high-availability\\.test\\.ts$',
    '/multi-instance\\.test\\.ts$',
    '/outage\\.test\\.ts$',
    '/revocation\\.test\\.ts$',
    '/demo-process\\.test\\.ts$',
    '/forward-auth\\.test\\.ts$',
    '/proxies\\.test\\.ts$',
    '/sidecar/upstream\\.test\\.ts$',
    '/verifiers\\.test\\.ts$',
    '/image-contents\\.test\\.ts$',
    '/server-limits\\.test\\.ts$',
    '/hostile-upstream\\.test\\.ts$',
    '/drain\\.test\\.ts$',
  ],
};
