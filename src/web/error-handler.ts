import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { StoreUnavailableError } from '../stores/timeout';
import { HttpError, type ErrorPage } from './http-error';

/** Pages for the 4xx errors raised by libraries (body-parser, csrf-sync, http-errors). */
const LIBRARY_PAGES: Record<number, ErrorPage> = {
  400: { title: 'Bad request', message: 'The request could not be understood.' },
  403: { title: 'This form has expired', message: 'Reload the page and try again.' },
  404: { title: 'Page not found', message: 'There is nothing at this address.' },
  405: { title: 'Method not allowed', message: 'This address does not accept that kind of request.' },
  413: { title: 'Request too large', message: 'The request body is larger than this service accepts.' },
  415: { title: 'Unsupported content type', message: 'This service accepts form or JSON bodies only.' },
};

/** Answers unknown routes with a 404 page (or JSON under `/api`). */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, LIBRARY_PAGES[404]!, 'not_found'));
};

/**
 * The last middleware: renders every error as a page (or JSON `{"error":{code,message},"request_id"}`
 * under `/api`), with the request id. {@link HttpError}s and library 4xx errors keep their status;
 * anything else is a 500 whose details stay in the log. No stack, upstream body or secret reaches the client.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const { status, page, reason, headers } = toHttpError(error);
  if (error instanceof StoreUnavailableError) {
    req.log?.warn({ event: 'store_unavailable', operation: error.operation, err: { name: error.name } }, 'shared store unavailable');
  } else if (status >= 500 && !(error instanceof HttpError)) {
    req.log?.error({ err: error }, 'unhandled error');
  } else if (!(error instanceof HttpError)) {
    req.log?.info({ reason, status }, 'request refused');
  }
  res.set(headers);
  res.set('Cache-Control', 'no-store');
  res.status(status);
  if (wantsJson(req)) {
    res.json({ error: { code: reason, message: page.message }, request_id: String(req.id ?? '') });
    return;
  }
  res.render('error', { title: page.title, message: page.message, status });
};

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof StoreUnavailableError) {
    return new HttpError(503, { title: 'Temporarily unavailable', message: 'Please try again in a moment.' }, 'store_unavailable', { 'Retry-After': '5' });
  }
  const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const page = LIBRARY_PAGES[status] ?? LIBRARY_PAGES[400]!;
    const type = (error as { type?: unknown; code?: unknown }).type ?? (error as { code?: unknown }).code;
    return new HttpError(status, page, typeof type === 'string' ? type.slice(0, 60) : `http_${status}`);
  }
  return new HttpError(500, { title: 'Something went wrong', message: 'Please try again. If it keeps happening, contact support with the request id below.' }, 'internal_error');
}

function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/');
}
