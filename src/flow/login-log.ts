import type { Request } from 'express';
import type { LoginFailureCode } from './errors';

/** Writes the one failure line of a login (`event: "login"`, `outcome: "failure"`). `fields` never hold a secret. */
export function logLoginFailure(req: Request, reason: LoginFailureCode, fields: Record<string, unknown> = {}): void {
  req.log.warn({ event: 'login', outcome: 'failure', reason, ...fields }, `login failed: ${reason}`);
}
