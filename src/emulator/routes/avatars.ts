/**
 * `GET /avatars/:id.svg`: a generated SVG avatar (initials on a colour derived from the id), so
 * that the `user_avatar_url` claim points at something real. `:id` is a per-installation
 * `user_id`; unknown ids still get an avatar (with `?` as initials).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import { findPerson } from '../model/seed';

/** Escape text for XML content/attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** Up to two initials from a display name (letters/digits only), or `?`. */
export function initials(name: string): string {
  const words = name.match(/[\p{L}\p{N}]+/gu) ?? [];
  const letters = words.slice(0, 2).map((w) => w[0]?.toUpperCase() ?? '');
  return letters.join('') || '?';
}

/** Render a 64×64 SVG avatar for a name, coloured by `seed`. */
export function avatarSvg(name: string, seed: string): string {
  const hue = createHash('sha256').update(seed).digest().readUInt16BE(0) % 360;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" rx="32" fill="hsl(${hue},55%,45%)"/>` +
    `<text x="32" y="40" font-family="sans-serif" font-size="24" text-anchor="middle" fill="#fff">${escapeXml(initials(name))}</text>` +
    `</svg>`
  );
}

/** Router serving avatars. */
export function avatarsRouter(ctx: EmulatorContext): Router {
  const router = Router();
  router.get('/avatars/:id.svg', (req: Request, res: Response) => {
    const id = String(req.params.id);
    const member = ctx.seed.installations.flatMap((i) => i.members).find((m) => m.userId === id);
    const person = member && findPerson(ctx.seed, member.personId);
    res
      .status(200)
      .type('image/svg+xml')
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .set('X-Content-Type-Options', 'nosniff')
      .set('Cache-Control', 'public, max-age=3600')
      .send(avatarSvg(person?.name ?? '', id));
  });
  return router;
}
