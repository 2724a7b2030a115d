import type { Request } from 'express';
import type { LoginFailureCode } from './errors';
import { truncateForLog } from './log-field';

/**
 * Writes the one failure line of a login (`event: "login"`, `outcome: "failure"`). `fields` never hold a
 * secret; their string values are cut at the shared `LOG_FIELD_MAX_CHARS`.
 */
export function logLoginFailure(req: Request, reason: LoginFailureCode, fields: Record<string, unknown> = {}): void {
  const bounded = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? truncateForLog(value) : value]));
  req.log.warn({ event: 'login', outcome: 'failure', reason, ...bounded }, `login failed: ${reason}`);
}
