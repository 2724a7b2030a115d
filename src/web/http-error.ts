/** What a user sees on an error page: a title and one sentence. Never a secret or upstream body. */
export interface ErrorPage {
  title: string;
  message: string;
}

/**
 * An error with an HTTP status, a user-facing page and a loggable reason. Thrown anywhere in a
 * request; the error handler renders the page (HTML) or `{"error":{code,message}}` (JSON, `/api`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly page: ErrorPage,
    /** Machine-readable reason for the log line and JSON `error.code`, e.g. `invalid_callback`. Safe to log. */
    readonly reason: string,
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${reason}`);
    this.name = 'HttpError';
  }
}

/** The page for a sign-in link that can no longer be used (bad, expired or reused code). */
export const LINK_NO_LONGER_VALID: ErrorPage = {
  title: 'This sign-in link is no longer valid',
  message: 'Sign-in links work once and only for a short time. Open the integration again from your Vercel dashboard.',
};
