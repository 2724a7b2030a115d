/**
 * Human-readable output of `vercel tokens …` (cli-table3, no colours) and the `--json` output.
 * Pure: returns strings. Values from the API are stripped of control characters before they
 * reach a terminal.
 *
 * @module
 */
import Table from 'cli-table3';
import type {
  AuthToken,
  AuthTokenScope,
  CreateAuthTokenResponse,
  ListAuthTokensResponse,
} from '../vercel/auth-client';

/**
 * Characters that are invisible or reorder text on a terminal: C1 controls (U+0080–U+009F, e.g. U+009B,
 * a CSI), the Arabic letter mark (U+061C), zero-width and direction marks (U+200B–U+200F), line and
 * paragraph separators (U+2028–U+2029), bidi embeddings/overrides (U+202A–U+202E, e.g. U+202E RLO,
 * "Trojan Source", CVE-2021-42574), invisible operators (U+2060–U+2064), bidi isolates (U+2066–U+2069)
 * and the BOM / zero-width no-break space (U+FEFF). Both the table and `--json` show them as `\uXXXX`.
 */
const INVISIBLE =
  /[\u0080-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function escapeInvisible(value: string): string {
  return value.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Makes an API value safe for a terminal: C0 controls and DEL become `?`; C1 controls, bidi and other
 * invisible characters ({@link INVISIBLE}) become a visible `\uXXXX`, as in the `--json` output.
 */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return escapeInvisible(value.replace(/[\u0000-\u001f\u007f]/g, '?'));
}

/** Ms since epoch as ISO 8601 (UTC); `-` when absent. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

function formatScope(scope: AuthTokenScope): string {
  if (scope.type === 'other') return `${printable(scope.scopeType)} (unknown scope type)`;
  const name = scope.type === 'team' ? `team:${printable(scope.teamId)}` : 'user';
  return scope.sudo ? `${name} (sudo until ${formatTime(scope.sudo.expiresAt)})` : name;
}

function formatScopes(scopes: AuthTokenScope[] | undefined): string {
  if (!scopes || scopes.length === 0) return '-';
  return scopes.map(formatScope).join(', ');
}

/**
 * `active`, `expired`, `revoked <time>` and/or `LEAKED <time>` (VERCEL-SSO.md §5 `revokedAt`,
 * `leakedAt`, `leakedUrl`): a revoked or leaked token must stand out in the list.
 */
export function formatStatus(token: AuthToken, nowMs: number = Date.now()): string {
  const parts: string[] = [];
  if (token.leakedAt !== undefined || token.leakedUrl !== undefined)
    parts.push(`LEAKED${token.leakedAt !== undefined ? ` ${formatTime(token.leakedAt)}` : ''}`);
  if (token.revokedAt !== undefined) parts.push(`revoked ${formatTime(token.revokedAt)}`);
  if (parts.length === 0)
    parts.push(token.expiresAt !== undefined && token.expiresAt <= nowMs ? 'expired' : 'active');
  return parts.join(', ');
}

/** A cursor as a shell word: bare when it is plainly safe, otherwise single-quoted. */
function shellWord(value: string | number): string {
  const text = printable(String(value));
  return /^[A-Za-z0-9._~+/=:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function newTable(head?: string[]): Table.Table {
  return new Table({ ...(head ? { head } : {}), style: { head: [], border: [] } });
}

/** One table row per token (the list). */
export function formatTokenList(page: ListAuthTokensResponse): string {
  const table = newTable(['ID', 'Name', 'Status', 'Scopes', 'Created', 'Expires', 'Last active']);
  for (const t of page.tokens) {
    table.push([
      printable(t.id),
      printable(t.name),
      formatStatus(t),
      formatScopes(t.scopes),
      formatTime(t.createdAt),
      t.expiresAt === undefined ? 'never' : formatTime(t.expiresAt),
      formatTime(t.activeAt),
    ]);
  }
  const lines = [
    page.tokens.length === 0 ? 'No tokens.' : table.toString(),
    `${page.pagination.count} token(s) on this page.`,
  ];
  if (page.pagination.next !== null)
    lines.push(`Older tokens: add --until ${shellWord(page.pagination.next)}`);
  if (page.pagination.prev !== null)
    lines.push(`Newer tokens: add --since ${shellWord(page.pagination.prev)}`);
  return `${lines.join('\n')}\n`;
}

/** A two-column "field | value" table of one token. */
export function formatToken(token: AuthToken): string {
  const table = newTable();
  table.push(
    { ID: printable(token.id) },
    { Name: printable(token.name) },
    { Type: printable(token.type) },
    { Status: formatStatus(token) },
    ...(token.leakedUrl !== undefined ? [{ 'Leaked at URL': printable(token.leakedUrl) }] : []),
    ...(token.prefix !== undefined || token.suffix !== undefined
      ? [{ Value: `${printable(token.prefix ?? '')}…${printable(token.suffix ?? '')}` }]
      : []),
    { Origin: token.origin === undefined ? '-' : printable(token.origin) },
    { Scopes: formatScopes(token.scopes) },
    { Created: formatTime(token.createdAt) },
    { Expires: token.expiresAt === undefined ? 'never' : formatTime(token.expiresAt) },
    { 'Last active': formatTime(token.activeAt) },
  );
  return `${table.toString()}\n`;
}

/** The created token and its value, which the API returns this once only. */
export function formatCreated(created: CreateAuthTokenResponse): string {
  return `${formatToken(created.token)}Token value (shown only this once; store it now):\n${printable(created.bearerToken)}\n`;
}

/** The confirmation of a deletion. */
export function formatDeleted(tokenId: string): string {
  return `Deleted token ${printable(tokenId)}.\n`;
}

/** `--json`: the API's answer, pretty-printed. */
export function formatJson(value: unknown): string {
  // JSON.stringify escapes C0 controls but leaves C1 controls (e.g. U+009B, a terminal CSI), bidi
  // overrides and other invisible characters raw: escape them so a token name cannot drive the terminal.
  return `${escapeInvisible(JSON.stringify(value, null, 2))}\n`;
}
