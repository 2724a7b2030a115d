/**
 * "A public API is a promise": every name exported from `src/index.ts` (and the emulator's
 * entry) carries TSDoc with an `@example`, and the layers keep their direction (the core never
 * imports the web layer, the reference service, the CLI or the emulator; the emulator imports
 * nothing from the product). Read with the TypeScript compiler API, so a new export without
 * docs fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

function exportedDocs(
  entry: string,
): Array<{ name: string; hasExample: boolean; hasDoc: boolean }> {
  const file = path.join(ROOT, entry);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const docs = symbol.getDocumentationComment(checker);
    const tags = symbol.getJsDocTags(checker);
    return {
      name: exported.getName(),
      hasDoc: docs.length > 0,
      hasExample: tags.some((tag) => tag.name === 'example'),
    };
  });
}

test.each(['src/index.ts'])('every export of %s has TSDoc with an @example', (entry) => {
  const exports = exportedDocs(entry);
  expect(exports.length).toBeGreaterThan(10);
  expect(exports.filter((e) => !e.hasDoc).map((e) => e.name)).toEqual([]);
  expect(exports.filter((e) => !e.hasExample).map((e) => e.name)).toEqual([]);
});

function sourceFiles(folder: string): string[] {
  const dir = path.join(ROOT, 'src', folder);
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(path.join(folder, name));
    return name.endsWith('.ts') ? [path.join(folder, name)] : [];
  });
}

function importsOf(relative: string): string[] {
  const text = readFileSync(path.join(ROOT, 'src', relative), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
    path.normalize(path.join(path.dirname(relative), m[1]!)),
  );
}

test.each([
  [
    'flow',
    ['metrics', 'web', 'server', 'server.ts', 'cli', 'emulator', 'dev', 'conformance', 'sidecar'],
  ],
  [
    'vercel',
    [
      'metrics',
      'web',
      'server',
      'server.ts',
      'cli',
      'emulator',
      'dev',
      'conformance',
      'sidecar',
      'flow',
    ],
  ],
  [
    'stores',
    [
      'metrics',
      'web',
      'server',
      'server.ts',
      'cli',
      'emulator',
      'dev',
      'conformance',
      'sidecar',
      'flow',
    ],
  ],
  [
    'config',
    ['metrics', 'web', 'server', 'server.ts', 'cli', 'emulator', 'dev', 'conformance', 'sidecar'],
  ],
  ['web', ['metrics', 'server', 'server.ts', 'cli', 'emulator', 'dev', 'conformance']],
  [
    'emulator',
    [
      'metrics',
      'flow',
      'web',
      'server',
      'server.ts',
      'stores',
      'vercel',
      'config',
      'cli',
      'dev',
      'sidecar',
      'index',
      'conformance',
      'errors',
    ],
  ],
])(
  'src/%s imports nothing from the layers above it (or, for the emulator, from the product)',
  (folder, forbidden) => {
    const offending = sourceFiles(folder).flatMap((file) =>
      importsOf(file)
        .filter((target) =>
          forbidden.some(
            (layer) =>
              target === layer ||
              target.startsWith(`${layer}/`) ||
              target === layer.replace(/\.ts$/, ''),
          ),
        )
        .map((target) => `${file} → ${target}`),
    );
    expect(offending).toEqual([]);
  },
);

test('the errors base imports nothing; the layers import it, never the errors module that gathers them', () => {
  expect(importsOf(path.join('errors', 'base.ts'))).toEqual([]);
  expect(
    readFileSync(path.join(ROOT, 'src', 'errors', 'base.ts'), 'utf8').match(/^import /m),
  ).toBeNull();
  const offending = ['flow', 'vercel', 'stores', 'config', 'web', 'sidecar'].flatMap((folder) =>
    sourceFiles(folder).flatMap((file) =>
      importsOf(file)
        .filter((target) => target === 'errors' || target === path.join('errors', 'index'))
        .map((target) => `${file} → ${target}`),
    ),
  );
  expect(offending).toEqual([]);
});

test('the library (src/flow, src/vercel, src/stores, src/config, src/web) never imports prom-client: metrics reach it through the SsoObserver option', () => {
  const offending = ['flow', 'vercel', 'stores', 'config', 'web'].flatMap((folder) =>
    sourceFiles(folder).filter((file) =>
      /from\s+'prom-client'/.test(readFileSync(path.join(ROOT, 'src', file), 'utf8')),
    ),
  );
  expect(offending).toEqual([]);
  // The reference service's implementation does import it (the check above looks at the right text).
  expect(readFileSync(path.join(ROOT, 'src', 'metrics', 'index.ts'), 'utf8')).toMatch(
    /from\s+'prom-client'/,
  );
});

test('docs/troubleshooting.md has a row for every LoginFailureCode, with its status', async () => {
  const { LOGIN_FAILURE_CODES, LOGIN_FAILURE_STATUS } = await import('../../src/index');
  const doc = readFileSync(path.join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
  const missing = LOGIN_FAILURE_CODES.filter(
    // Table cells may be padded (Prettier aligns Markdown tables).
    (code) =>
      !new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${LOGIN_FAILURE_STATUS[code]}\\s*\\|`).test(doc),
  );
  expect(missing).toEqual([]);
});
