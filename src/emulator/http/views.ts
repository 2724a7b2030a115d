/**
 * HTML rendering for the emulator's pages with eta (auto-escaping `<%= %>`; templates never use
 * raw output for data). Templates live in `views/emulator/*.eta`, resolved relative to this file
 * so that both `src/emulator/http/views.ts` and the compiled `dist/emulator/http/views.js` find them.
 *
 * @module
 */
import path from 'node:path';
import type { Response } from 'express';
import { Eta } from 'eta';

/** Absolute path of `views/emulator`. */
export const VIEWS_DIR = path.resolve(__dirname, '..', '..', '..', 'views', 'emulator');

const eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true });

/** Content-Security-Policy for every emulator page: no scripts at all, same-origin images and forms only (the dashboard's Uninstall). */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Render `views/emulator/<template>.eta` with `data` and send it as HTML.
 * @param status - HTTP status (default 200).
 * @throws whatever eta throws for a missing/broken template (reaches the 500 handler).
 */
export function renderPage(res: Response, template: string, data: object, status = 200): void {
  const html = eta.render(`./${template}`, data);
  res
    .status(status)
    .set('Content-Security-Policy', PAGE_CSP)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .set('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

/** Render the generic message page (`message.eta`) with a title and a message. */
export function renderMessage(res: Response, status: number, title: string, message: string): void {
  renderPage(res, 'message', { title, message, status }, status);
}
