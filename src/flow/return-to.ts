import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { OneTimeStore } from '../stores/one-time-store';
import type { AuxiliaryCookies } from './cookies';
import { RETURN_TO_MAX_AGE_MS } from './cookies';
import { allowedUrl, safeLocalPath, type DeepLinkOptions } from './deep-links';

const KEY_PREFIX = 'return-to:';

/** Longest path remembered across provider-initiated SSO; longer ones land on the home page. */
export const MAX_RETURN_TO_LENGTH = 512;

/**
 * Remembers where a signed-out user wanted to go across the provider-initiated SSO round trip
 * (VERCEL-SSO.md §3: "anything it wants to remember ... it keeps itself, bound to the browser").
 * The record lives in the {@link OneTimeStore}; the browser holds only its random id in a cookie.
 */
export class ReturnToRecords {
  /**
   * @param origins - when given, an absolute URL on one of `origins.allowedOrigins` is remembered
   *   too (the sidecar's `GET /_sso/start?rd=`, RFC 9700 §4.11 open-redirect rule); without it,
   *   only same-origin paths.
   */
  constructor(
    private readonly store: OneTimeStore,
    private readonly cookies: AuxiliaryCookies,
    private readonly origins?: DeepLinkOptions,
  ) {}

  /**
   * A place the user may be sent back to: a same-origin path, or an absolute URL on an allow-listed
   * origin (a URL on the public origin becomes its path). Undefined for anything else.
   */
  target(value: string): string | undefined {
    if (value.length > MAX_RETURN_TO_LENGTH) return undefined;
    return safeLocalPath(value) ?? (this.origins ? allowedUrl(value, this.origins) : undefined);
  }

  /**
   * Stores `path` (a same-origin path or allow-listed URL, see {@link target}, of at most
   * {@link MAX_RETURN_TO_LENGTH} characters; anything else is ignored) and sets the cookie. A
   * browser that already holds a record id reuses it, so one browser keeps at most one record.
   */
  async remember(req: Request, res: Response, path: string): Promise<void> {
    const safe = this.target(path);
    if (!safe || safe === '/' || safe.length > MAX_RETURN_TO_LENGTH) return;
    const id = this.cookies.readReturnTo(req) ?? randomBytes(18).toString('base64url');
    await this.store.set(KEY_PREFIX + id, safe, RETURN_TO_MAX_AGE_MS);
    res.cookie(this.cookies.returnTo, id, this.cookies.options(RETURN_TO_MAX_AGE_MS));
  }

  /** Consumes the record named by the cookie (once) and clears the cookie. */
  async consume(req: Request, res: Response): Promise<string | undefined> {
    const id = this.cookies.readReturnTo(req);
    if (this.cookies.hasReturnTo(req))
      res.clearCookie(this.cookies.returnTo, this.cookies.options());
    if (!id) return undefined;
    const path = await this.store.take(KEY_PREFIX + id);
    return path === undefined ? undefined : this.target(path);
  }
}
