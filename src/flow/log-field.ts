/**
 * The one length limit of log fields that can carry client input (paths, parameter names, reasons
 * built from input): a client cannot write long lines into our logs (OWASP ASVS V7.3.1 log injection /
 * log flooding). Used by the request logger, the rate-limit line and the login failure line.
 *
 * @module
 */

/** Longest logged value of a field that can carry client input, characters. */
export const LOG_FIELD_MAX_CHARS = 200;

/** `value` cut to {@link LOG_FIELD_MAX_CHARS} characters. */
export function truncateForLog(value: string): string {
  return value.length > LOG_FIELD_MAX_CHARS ? value.slice(0, LOG_FIELD_MAX_CHARS) : value;
}
