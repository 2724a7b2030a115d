import path from 'node:path';
import type { Request, Response } from 'express';
import { Eta } from 'eta';
import type { PageContext, PageKind } from '../config/options';
import { LoginFailure, type LoginFailureCode } from '../flow/errors';

/** What a user sees for a failure: a title and one sentence. Never a secret or an upstream body. */
export interface PageText {
  title: string;
  message: string;
}

const TRY_AGAIN = 'Please open the integration again from your Vercel dashboard in a moment.';
const NO_LONGER_VALID: PageText = {
  title: 'This sign-in link is no longer valid',
  message:
    'Sign-in links work once and only for a short time. Open the integration again from your Vercel dashboard.',
};

/**
 * The one table from failure code to page. Every {@link LoginFailureCode} has an entry (the type
 * makes a missing one a compile error); the status comes from `LOGIN_FAILURE_STATUS`.
 */
export const FAILURE_PAGES: Record<LoginFailureCode, PageText> = {
  invalid_callback: {
    title: 'This sign-in link is not valid',
    message:
      'The link is incomplete or malformed. Open the integration again from your Vercel dashboard.',
  },
  login_cancelled: {
    title: 'Sign-in did not complete',
    message: 'Open the integration again from your Vercel dashboard to retry.',
  },
  insecure_request: {
    title: 'Sign-in is misconfigured',
    message: 'This service must be reached over HTTPS. Please contact the provider’s support.',
  },
  code_replayed: NO_LONGER_VALID,
  exchange_rejected: NO_LONGER_VALID,
  exchange_rate_limited: {
    title: 'Sign-in is temporarily unavailable',
    message: 'Vercel is busy right now. Please open the same link again in a moment.',
  },
  client_misconfigured: {
    title: 'Sign-in is misconfigured',
    message:
      'Vercel did not accept this provider’s credentials. Please contact the provider’s support.',
  },
  exchange_timeout: { title: 'Vercel did not answer in time', message: TRY_AGAIN },
  exchange_failed: { title: 'Vercel could not complete the sign-in', message: TRY_AGAIN },
  invalid_id_token: {
    title: 'Sign-in failed',
    message:
      'Vercel’s answer could not be verified. Open the integration again from your Vercel dashboard.',
  },
  issuer_keys_unavailable: {
    title: 'Sign-in is temporarily unavailable',
    message: 'We could not reach Vercel to check your sign-in. Please try again in a moment.',
  },
  account_hook_failed: {
    title: 'Sign-in is temporarily unavailable',
    message: 'Your account could not be loaded. Please try again in a moment.',
  },
  account_refused: {
    title: 'Sign-in refused',
    message: 'Your account cannot use this integration.',
  },
  store_unavailable: { title: 'Temporarily unavailable', message: 'Please try again in a moment.' },
  session_store_unavailable: {
    title: 'Sign-in is temporarily unavailable',
    message: 'Please try again in a moment.',
  },
  switch_not_found: NO_LONGER_VALID,
  no_session: {
    title: 'You are not signed in',
    message: 'Open the integration from your Vercel dashboard to sign in.',
  },
  // VERCEL-SSO.md §2: `USER` is read-only (Vercel's Billing/Viewer team roles); the role shown in the header.
  role_not_allowed: {
    title: 'Administrators only',
    message:
      'Only ADMIN users can do this; your Vercel role for this installation is USER (read-only: Billing or Viewer on the Vercel team). A team Owner can change your role under Team Settings → Members on Vercel; then open the integration again.',
  },
  rate_limited: { title: 'Too many requests', message: 'Please wait a moment and try again.' },
};

/** Pages for the 4xx errors raised by libraries (body-parser, csrf-sync, http-errors). */
export const REQUEST_PAGES: Record<number, PageText> = {
  400: { title: 'Bad request', message: 'The request could not be understood.' },
  403: { title: 'Forbidden', message: 'You may not open this address.' },
  404: { title: 'Page not found', message: 'There is nothing at this address.' },
  405: {
    title: 'Method not allowed',
    message: 'This address does not accept that kind of request.',
  },
  413: {
    title: 'Request too large',
    message: 'The request body is larger than this service accepts.',
  },
  415: {
    title: 'Unsupported content type',
    message: 'This service accepts form or JSON bodies only.',
  },
};

/** The page of a form whose CSRF token is missing or stale (csrf-sync, OWASP ASVS V4.2.2). */
export const CSRF_PAGE: PageText = {
  title: 'This form has expired',
  message: 'Reload the page and try again.',
};

/** A failure as the adapter answers it: status, code, page and headers. */
export interface FailureAnswer {
  status: number;
  code: string;
  page: PageText;
  headers: Record<string, string>;
  /** The page kind to render. */
  kind: PageKind;
  data: Record<string, unknown>;
  /** True for errors we did not expect (500): log them with their stack. */
  unexpected: boolean;
}

/** Maps any error thrown in a request to what the user gets. Library 4xx keep their status; anything unknown is a 500. */
export function toFailureAnswer(error: unknown): FailureAnswer {
  if (error instanceof LoginFailure) {
    const base = FAILURE_PAGES[error.code];
    const headers: Record<string, string> =
      error.details.retryAfterSeconds !== undefined
        ? { 'Retry-After': String(error.details.retryAfterSeconds) }
        : {};
    let page = base;
    if (error.code === 'account_refused' && error.details.userMessage)
      page = { ...base, message: error.details.userMessage };
    if (error.code === 'no_session' && error.details.sessionExpired)
      page = { ...base, title: 'Your session has expired' };
    if (error.code === 'rate_limited' && error.details.retryAfterSeconds !== undefined)
      page = {
        ...base,
        message: `Please wait ${error.details.retryAfterSeconds} seconds and try again.`,
      };
    const data =
      error.code === 'login_cancelled'
        ? { error: error.details.userMessage, description: error.details.description }
        : {};
    return {
      status: error.status,
      code: error.code,
      page,
      headers,
      kind: error.code === 'login_cancelled' ? 'signin-error' : 'error',
      data,
      unexpected: false,
    };
  }
  const status =
    (error as { status?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // csrf-sync's refusal (code EBADCSRFTOKEN) is the only 403 that means "this form has expired".
    const csrf = status === 403 && (error as { code?: unknown }).code === 'EBADCSRFTOKEN';
    const page = csrf ? CSRF_PAGE : (REQUEST_PAGES[status] ?? REQUEST_PAGES[400]!);
    const type = (error as { type?: unknown }).type ?? (error as { code?: unknown }).code;
    return {
      status,
      code: typeof type === 'string' ? type.slice(0, 60) : `http_${status}`,
      page,
      headers: {},
      kind: 'error',
      data: {},
      unexpected: false,
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    page: {
      title: 'Something went wrong',
      message:
        'Please try again. If it keeps happening, contact support with the request id below.',
    },
    headers: {},
    kind: 'error',
    data: {},
    unexpected: true,
  };
}

/** Folder of the page templates (`views/`), from both `src/web` and `dist/web`. */
export const VIEWS_DIR = path.resolve(__dirname, '..', '..', 'views');

/** Options of {@link PageRenderer}. */
export interface PageRendererOptions {
  productName: string;
  supportUrl?: string;
  /** Cache compiled templates (production). */
  cache: boolean;
  /** The vendor's renderer, when given. */
  render?: (page: PageContext, req: Request, res: Response) => void;
  /** Called when the vendor's `render` rejects (an async renderer); answers the request somehow. */
  onRenderError?: (error: unknown, req: Request, res: Response) => void;
  /**
   * Where pages send a user who has to start again from Vercel ("Open your Vercel dashboard"):
   * `https://vercel.com/dashboard` in production (from the `vercel.ssoUrl` option).
   */
  vercelDashboardUrl?: string;
}

/**
 * Renders the router's pages without the host app's view engine: the vendor's `render` option when
 * given; JSON `{"error":{code,message},"request_id"}` when the client asks for JSON; otherwise the
 * built-in Eta templates, which escape every value (OWASP ASVS V5.3.3).
 */
export class PageRenderer {
  private readonly eta: Eta;

  constructor(private readonly options: PageRendererOptions) {
    this.eta = new Eta({
      views: VIEWS_DIR,
      autoEscape: true,
      cache: options.cache,
      useWith: false,
    });
  }

  /**
   * Sends `page` with its status.
   * @param locals - layout values: `identity`, `csrfToken`, `ssoBase` (the router's mount path), `assetBase`.
   */
  send(
    req: Request,
    res: Response,
    page: Omit<PageContext, 'productName' | 'supportUrl' | 'requestId'>,
    locals: Record<string, unknown> = {},
  ): void {
    const context: PageContext = {
      ...page,
      productName: this.options.productName,
      ...(this.options.supportUrl ? { supportUrl: this.options.supportUrl } : {}),
      requestId: String(req.id ?? ''),
    };
    res.status(page.status);
    if (this.options.render) {
      const result: unknown = this.options.render(context, req, res);
      // An async renderer that rejects must not become an unhandled rejection.
      if (result instanceof Promise)
        result.catch((error: unknown) => this.options.onRenderError?.(error, req, res));
      return;
    }
    if (wantsJson(req)) {
      if (page.kind === 'error' || page.kind === 'signin-error' || page.status >= 400) {
        res.json({
          error: { code: page.code ?? `http_${page.status}`, message: page.message },
          request_id: context.requestId,
        });
      } else {
        res.json({
          page: page.kind,
          title: page.title,
          message: page.message,
          request_id: context.requestId,
        });
      }
      return;
    }
    const html = this.eta.render(`./${page.kind === 'sign-in-needed' ? 'error' : page.kind}`, {
      ...locals,
      ...context.data,
      title: context.title,
      message: context.message,
      status: context.status,
      code: context.code,
      productName: context.productName,
      supportUrl: context.supportUrl,
      requestId: context.requestId,
      vercelDashboardUrl: this.options.vercelDashboardUrl,
    });
    res.type('html').send(html);
  }
}

/** True when the client prefers JSON to HTML (`Accept: application/json`), or the path is under `/api/`. */
export function wantsJson(req: Request): boolean {
  if ((req.originalUrl ?? '').startsWith('/api/')) return true;
  const accept = req.headers.accept;
  if (!accept) return false;
  return req.accepts(['html', 'json']) === 'json';
}
