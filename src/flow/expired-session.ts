import type { Request, Response } from 'express';

/**
 * After an expired session was replaced by an empty one (`req.session.regenerate`), keeps that empty
 * session from being stored or sent: express-session would otherwise save it as a new record and send
 * its cookie (the new id counts as "modified" even with `saveUninitialized: false`), so an expired
 * session on the memory store became a new stored session with a new `Set-Cookie` (issue 19). With
 * Redis the record is already gone (its TTL ends at the absolute lifetime), and nothing is written.
 *
 * If the request fills the session (a login on the callback regenerates it again and saves), that
 * session is kept; only the untouched empty one is dropped, when the response ends.
 */
export function dropIfStillEmpty(req: Request, res: Response): void {
  const empty = req.session;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (req.session === empty && Object.keys(empty).every((key) => key === 'cookie')) {
      // express-session neither saves nor sets a cookie when the request has no session.
      delete (req as { session?: unknown }).session;
    }
    return end(...args);
  }) as Response['end'];
}
