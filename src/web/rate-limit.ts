import type { Request, RequestHandler } from 'express';
import { rateLimit, type RateLimitInfo, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { errorForLog } from '../errors/base';
import { LoginFailure } from '../flow/errors';
import { truncateForLog } from '../flow/log-field';

/** Options of {@link createRateLimit}. */
export interface RateLimitOptions {
  /** Window length, seconds. */
  windowSeconds: number;
  /** Requests allowed per client IP per window. */
  max: number;
  /** Counter store (Redis when configured); undefined = in process. */
  store?: Store;
  /** Requests for which this returns true are neither counted nor limited. */
  skip?: (req: Request) => boolean;
  logger: Logger;
  /** Called for each refused request (metrics); must not throw. */
  onLimited?: (req: Request) => void;
}

/**
 * A per-IP rate limit (express-rate-limit; OWASP ASVS V11.1.4 anti-automation). Over the limit:
 * a 429 page with `Retry-After` (seconds) and the `RateLimit` headers. The client IP honours
 * `trust proxy`. When the counter store fails (Redis down), requests pass: the flow's own
 * Redis-backed steps then answer 503.
 */
export function createRateLimit(options: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowSeconds * 1000,
    limit: options.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    passOnStoreError: true,
    ...(options.skip ? { skip: options.skip } : {}),
    ...(options.store ? { store: options.store } : {}),
    // Store errors repeat on every request during an outage; the Redis client already logs them
    // (rate-limited), so they go to debug. Configuration warnings stay visible.
    logger: {
      error: (error: unknown, message?: string) =>
        (error as Error)?.name === 'ValidationError'
          ? options.logger.warn(
              {
                event: 'rate_limit_configuration',
                err: { code: (error as { code?: string }).code, message: (error as Error).message },
              },
              'rate limit configuration problem',
            )
          : options.logger.debug(
              { event: 'rate_limit_store_error', err: errorForLog(error) },
              message ?? 'rate limit store error',
            ),
      warn: (error: unknown, message?: string) =>
        options.logger.warn(
          {
            event: 'rate_limit_warning',
            err: { name: (error as Error)?.name, message: (error as Error)?.message },
          },
          message ?? 'rate limit warning',
        ),
    },
    handler: (req, _res, next, limiterOptions) => {
      const resetTime = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime;
      const retryAfter = Math.max(
        1,
        Math.ceil(
          ((resetTime?.getTime() ?? Date.now() + limiterOptions.windowMs) - Date.now()) / 1000,
        ),
      );
      req.log?.warn(
        { event: 'rate_limited', path: truncateForLog(req.path) },
        'rate limit exceeded',
      );
      options.onLimited?.(req);
      next(new LoginFailure('rate_limited', { retryAfterSeconds: retryAfter }));
    },
  });
}
