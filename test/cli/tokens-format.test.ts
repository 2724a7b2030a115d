/**
 * Issue 19: the table output escapes bidi and other invisible control characters as `--json` does,
 * so a token name from the API cannot reorder or hide text on the terminal.
 */
import { formatJson, formatToken, formatTokenList, printable } from '../../src/cli/tokens-format';

const INVISIBLE =
  /[\u0080-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const hostileName = 'deploy\u202egpj.exe\u2066x\u2069\u200bend\u009b31m\ufeff';
const token = {
  id: 'tok\u202e1',
  name: hostileName,
  type: 'oauth2-token',
  origin: 'github\u200f',
  activeAt: 1,
  createdAt: 1,
  scopes: [{ type: 'team' as const, teamId: 'team\u2067_1', origin: 'x', createdAt: 1 }],
};

test('printable shows U+202E and friends as visible \\uXXXX escapes; C0 controls become ?', () => {
  expect(printable('a\u202eb')).toBe('a\\u202eb');
  expect(printable('a\u001b[31mb')).toBe('a?[31mb');
  expect(printable('a\u009bb\u200bc')).toBe('a\\u009bb\\u200bc');
});

test('the list and detail tables contain no raw bidi or invisible character, and show the same escapes as --json', () => {
  const list = formatTokenList({
    tokens: [token] as never,
    pagination: { count: 1, next: null, prev: null },
  });
  const detail = formatToken(token);
  const json = formatJson({ token });
  for (const output of [list, detail, json]) {
    expect(output).not.toMatch(INVISIBLE);
    expect(output).toContain('\\u202e');
  }
  for (const escape of ['\\u202e', '\\u2066', '\\u2069', '\\u200b', '\\u009b', '\\ufeff']) {
    expect(detail).toContain(escape);
    expect(json).toContain(escape);
  }
});
