import type { ErrorRequestHandler, RequestHandler } from 'express';
import { toFailureAnswer, type FailureAnswer } from '../web/pages';

/** Answers unknown routes with a 404 page (or JSON under `/api`). */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(Object.assign(new Error('not found'), { status: 404, type: 'not_found' }));
};

/**
 * The service's last middleware, for errors of its own routes (the library renders its own):
 * a page (or JSON `{"error":{code,message},"request_id"}` under `/api`) with the request id.
 * Library 4xx errors keep their status; anything else is a 500 whose details stay in the log.
 * No stack, upstream body or secret reaches the client.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const answer: FailureAnswer = toFailureAnswer(error);
  if (answer.unexpected) req.log?.error({ err: error }, 'unhandled error');
  else req.log?.info({ reason: answer.code, status: answer.status }, 'request refused');
  res.set(answer.headers);
  res.set('Cache-Control', 'no-store');
  res.status(answer.status);
  if (req.path.startsWith('/api/')) {
    res.json({
      error: { code: answer.code, message: answer.page.message },
      request_id: String(req.id ?? ''),
    });
    return;
  }
  res.render('error', {
    title: answer.page.title,
    message: answer.page.message,
    status: answer.status,
  });
};
