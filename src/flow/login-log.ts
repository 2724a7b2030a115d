import type { Request } from 'express';
import type { LoginFailureCode } from './errors';
import { truncateForLog } from './log-field';
import { NO_OBSERVER, type CompleteObserver } from './observer';

/** How {@link logLoginFailure} writes its line and whom it tells. */
export interface LoginFailureLogOptions {
  /** Told `loginOutcome('failure', reason)` (metrics); default: nobody. */
  observer?: CompleteObserver;
  /** `error` for failures an operator must fix (configuration); default `warn`. */
  level?: 'warn' | 'error';
  /** The log message; default `login failed: <reason>`. */
  message?: string;
}

/**
 * Writes the one failure line of a login (`event: "login"`, `outcome: "failure"`) and reports the
 * failure to the observer (the single place failures are counted). `fields` never hold a secret;
 * their string values are cut at the shared `LOG_FIELD_MAX_CHARS`.
 */
export function logLoginFailure(
  req: Request,
  reason: LoginFailureCode,
  fields: Record<string, unknown> = {},
  options: LoginFailureLogOptions = {},
): void {
  const bounded = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      typeof value === 'string' ? truncateForLog(value) : value,
    ]),
  );
  req.log[options.level ?? 'warn'](
    { event: 'login', outcome: 'failure', reason, ...bounded },
    options.message ?? `login failed: ${reason}`,
  );
  (options.observer ?? NO_OBSERVER).loginOutcome('failure', reason);
}
