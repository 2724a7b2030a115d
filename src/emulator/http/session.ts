/**
 * The emulated "signed-in Vercel user": an `emu_user` cookie holding a {@link SeedPerson} id.
 * HttpOnly, SameSite=Lax, path `/`; not Secure because the emulator runs on plain http locally.
 *
 * @module
 */
import type { Request, Response } from 'express';

/** Cookie name. */
export const EMU_USER_COOKIE = 'emu_user';

/** Read the `emu_user` cookie (a person id) from the request; `undefined` when absent or malformed. */
export function readEmulatorUser(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== EMU_USER_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Set the `emu_user` cookie to a person id (session cookie). */
export function setEmulatorUser(res: Response, personId: string): void {
  res.cookie(EMU_USER_COOKIE, personId, { httpOnly: true, sameSite: 'lax', path: '/' });
}
