/**
 * Error responses. API paths answer in Vercel's error shape `{"error":{"code","message"}}`
 * (VERCEL-SSO.md §1.3); browser pages answer with an HTML message page. Never a stack trace.
 *
 * @module
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { renderMessage } from './views';

/** Vercel's error body; some answers add members beside `code` and `message` (e.g. `invalidToken`). */
export interface VercelErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

/** Send `{"error":{"code","message",…extra}}` with `status`. */
export function sendVercelError(
  res: Response,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  const body: VercelErrorBody = { error: { ...extra, code, message } };
  res.status(status).set('Cache-Control', 'no-store').json(body);
}

/** `true` for paths that are machine APIs (JSON errors) rather than browser pages. */
export function isApiPath(p: string): boolean {
  return (
    p.startsWith('/v1/') ||
    p.startsWith('/.well-known/') ||
    p.startsWith('/_emulator/') ||
    p === '/_emulator'
  );
}

/** Terminal 404 handler. */
export const notFound: RequestHandler = (req: Request, res: Response) => {
  if (isApiPath(req.path)) sendVercelError(res, 404, 'not_found', 'Not found');
  else renderMessage(res, 404, 'Not found', 'There is nothing at this address.');
};

/**
 * Terminal error handler. Body-parser errors (`err.type` set, 4xx `err.status`) keep their status
 * with a generic message; anything else is a logged 500. No stack or error text is returned.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
    const status =
      typeof e.status === 'number'
        ? e.status
        : typeof e.statusCode === 'number'
          ? e.statusCode
          : 500;
    const clientError = status >= 400 && status < 500;
    if (!clientError) logger.error({ err, path: req.path }, 'emulator: unhandled error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const code = clientError
      ? status === 413
        ? 'payload_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : 'bad_request'
      : 'internal_server_error';
    const message = clientError ? 'The request could not be processed' : 'Internal emulator error';
    try {
      if (isApiPath(req.path)) sendVercelError(res, clientError ? status : 500, code, message);
      else
        renderMessage(
          res,
          clientError ? status : 500,
          clientError ? 'Bad request' : 'Emulator error',
          message,
        );
    } catch {
      res.status(500).type('text/plain').send('Internal emulator error');
    }
  };
}
