/**
 * Issue 13 item 13: `docs/VERCEL-SSO.md` holds Vercel's contract as it is in 2026, and the code cites
 * its sections: every `VERCEL-SSO.md §N[.M]` in `src/` names a section (and numbered item) that
 * exists, and each module implementing a 2026 rule cites the section the rule comes from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const doc = readFileSync(path.join(ROOT, 'docs', 'VERCEL-SSO.md'), 'utf8');

/** Section id (`1`, `4a`) → its body. */
const sections = new Map<string, string>();
for (const part of doc.split(/^## /m).slice(1)) {
  const id = /^(\d+[a-z]?)\./.exec(part)?.[1];
  if (id) sections.set(id, part);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('issue 13 item 13: docs/VERCEL-SSO.md is the 2026 contract, and the code cites it', () => {
  test('the document carries the 2026 facts the code relies on', () => {
    for (const fact of [
      '"invalidToken":true',
      'refresh_token',
      '.well-known/jwks.json',
      'sso:https://',
      'X-Vercel-Auth',
      'flag:<id>',
      'revokedAt',
      'passes `next` back verbatim',
      '64-hex account and user ids',
    ]) {
      expect({ fact, present: doc.includes(fact) }).toEqual({ fact, present: true });
    }
    expect([...sections.keys()]).toEqual(['1', '2', '3', '4', '4a', '5', '6']);
  });

  test('every VERCEL-SSO.md citation in src/ names a section (and numbered item) that exists', () => {
    const dangling: string[] = [];
    let citations = 0;
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/VERCEL-SSO\.md((?:(?:,| and)? ?§[0-9a-z.]+)+)/g)) {
        for (const ref of match[1]!.matchAll(/§(\d+[a-z]?)(?:\.(\d+))?/g)) {
          citations += 1;
          const [, section, item] = ref;
          const body = sections.get(section!);
          const ok =
            body !== undefined &&
            (item === undefined || new RegExp(`^${item}\\. `, 'm').test(body));
          if (!ok)
            dangling.push(`${path.relative(ROOT, file)}: §${section}${item ? `.${item}` : ''}`);
        }
      }
    }
    expect(dangling).toEqual([]);
    expect(citations).toBeGreaterThan(50);
  });

  test.each([
    ['src/flow/callback-params.ts', '§1.2'],
    ['src/flow/deep-links.ts', '§5'],
    ['src/flow/id-token.ts', 'RFC 7517 §4.5'],
    ['src/flow/callback.ts', '§1.3, §5'],
    ['src/vercel/errors.ts', '§5'],
    ['src/vercel/auth-token.ts', '§5'],
    ['src/vercel/user-tokens.ts', '§5'],
    ['src/cli/vercel.ts', '§5'],
    ['src/emulator/model/tokens.ts', '§5'],
    ['src/emulator/routes/token-endpoint.ts', '§5'],
    ['src/emulator/model/refresh-tokens.ts', '§5'],
    ['src/emulator/routes/well-known.ts', '§5'],
    ['src/emulator/http/faults.ts', '§5'],
    ['src/emulator/routes/user-tokens-endpoint.ts', '§5'],
    ['src/web/security-headers.ts', '§1.2'],
  ])('%s cites %s for the 2026 rules it implements', (file, citation) => {
    expect(readFileSync(path.join(ROOT, file), 'utf8')).toContain(citation);
  });
});
