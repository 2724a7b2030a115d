/**
 * Human-readable output of `vercel tokens …` (cli-table3, no colours) and the `--json` output.
 * Pure: returns strings. Values from the API are stripped of control characters before they
 * reach a terminal.
 *
 * @module
 */
import Table from 'cli-table3';
import type { AuthToken, AuthTokenScope, CreateAuthTokenResponse, ListAuthTokensResponse } from '../vercel/auth-client';

/** Replace control characters (C0, DEL, C1) so an API value cannot drive the terminal. */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Ms since epoch as ISO 8601 (UTC); `-` when absent. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

function formatScopes(scopes: AuthTokenScope[] | undefined): string {
  if (!scopes || scopes.length === 0) return '-';
  return scopes.map((s) => (s.type === 'team' ? `team:${printable(s.teamId)}` : 'user')).join(', ');
}

function newTable(head?: string[]): Table.Table {
  return new Table({ ...(head ? { head } : {}), style: { head: [], border: [] } });
}

/** One table row per token (the list). */
export function formatTokenList(page: ListAuthTokensResponse): string {
  const table = newTable(['ID', 'Name', 'Scopes', 'Created', 'Expires', 'Last active']);
  for (const t of page.tokens) {
    table.push([printable(t.id), printable(t.name), formatScopes(t.scopes), formatTime(t.createdAt), t.expiresAt === undefined ? 'never' : formatTime(t.expiresAt), formatTime(t.activeAt)]);
  }
  const lines = [page.tokens.length === 0 ? 'No tokens.' : table.toString(), `${page.pagination.count} token(s) on this page.`];
  if (page.pagination.next !== null) lines.push(`Older tokens: add --until ${page.pagination.next}`);
  if (page.pagination.prev !== null) lines.push(`Newer tokens: add --since ${page.pagination.prev}`);
  return `${lines.join('\n')}\n`;
}

/** A two-column "field | value" table of one token. */
export function formatToken(token: AuthToken): string {
  const table = newTable();
  table.push(
    { ID: printable(token.id) },
    { Name: printable(token.name) },
    { Type: printable(token.type) },
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
  // JSON.stringify leaves C1 controls (e.g. U+009B, a terminal CSI) and bidi overrides raw: escape them
  // so a token name from the API cannot drive the terminal.
  return `${JSON.stringify(value, null, 2).replace(/[\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
