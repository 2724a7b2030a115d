/**
 * The architecture, checked by `npm run lint:deps` (dependency-cruiser; runs on Node >= 22).
 * Dependencies point one way: server -> web / sidecar -> flow (the core) -> vercel / stores.
 * The emulator (Vercel's side, dev and tests only) imports nothing from the product, and nothing
 * in src/ imports test code. Type-only imports count: a layer that needs another's types depends
 * on it. Paths are prefixes, so new files and sub-folders fall under the same rules.
 * @type {import('dependency-cruiser').IConfiguration}
 */

// The core and what it stands on: src/flow, src/vercel, src/stores, src/config.
const CORE = '^src/(flow|vercel|stores|config)/';
// Everything built on top of the core, plus dev/test-only code.
const ABOVE_CORE =
  '^src/(web|server|sidecar|emulator|dev|cli|conformance|metrics)/|^src/(index|server)\\.ts$';
const DEV_ONLY = '^src/(emulator|dev|cli|conformance)/';

module.exports = {
  forbidden: [
    {
      name: 'core-imports-outer-layer',
      comment:
        'src/flow (the core), src/vercel, src/stores and src/config never import the web layer, ' +
        'the sidecar, the server, metrics, the emulator, dev, cli, conformance, the public face ' +
        '(src/index.ts re-exports the web layer) or tests.',
      severity: 'error',
      from: { path: CORE },
      to: { path: [ABOVE_CORE, '^test/'] },
    },
    {
      name: 'adapter-imports-server-or-dev',
      comment:
        'The Express adapter (src/web) and the sidecar never import the reference service ' +
        '(src/server, src/server.ts) or dev/test-only code (emulator, dev, cli, conformance).',
      severity: 'error',
      from: { path: '^src/(web|sidecar)/' },
      to: { path: [DEV_ONLY, '^src/server/', '^src/server\\.ts$'] },
    },
    {
      name: 'server-imports-dev-only',
      comment:
        'The reference service (src/server, src/server.ts; it ships in the production image) ' +
        'never imports the emulator, dev, cli or conformance code. Its demo routes ' +
        '(src/server/demo-routes.ts) need none of them today; src/dev/demo.ts composes the ' +
        'demo from the outside.',
      severity: 'error',
      from: { path: ['^src/server/', '^src/server\\.ts$'] },
      to: { path: DEV_ONLY },
    },
    {
      name: 'emulator-imports-product',
      comment:
        "The emulator plays Vercel's side: it imports nothing from the product (anything in src/ " +
        'outside src/emulator/), whatever sub-folders it grows.',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/emulator/' },
    },
    {
      name: 'src-imports-test',
      comment: 'Nothing in src/ imports test code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo or a missing dependency fails here, not at runtime).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'default'] },
  },
};
