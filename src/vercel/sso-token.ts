import { z } from 'zod';
import { SSO_TOKEN_MAX_BODY_BYTES } from './bounded-body';
import { requestJson } from './http';

/**
 * 200 body of `POST /v1/integrations/sso/token` (VERCEL-SSO.md §1.3; Vercel REST API
 * "Exchange SSO token"). `access_token` and `token_type` may be null.
 */
export const ssoTokenResponseSchema = z.object({
  id_token: z.string().min(1),
  access_token: z.string().nullable().optional(),
  token_type: z.string().nullable().optional(),
  /** Seconds. */
  expires_in: z.number().optional(),
  refresh_token: z.string().optional(),
});

/** The parsed token response. Holds secrets: never log it, never store it in a session. */
export type SsoTokenResponse = z.infer<typeof ssoTokenResponseSchema>;

/** Input of {@link exchangeSsoCode}. */
export interface SsoCodeExchange {
  /** Origin of the Vercel API (`https://api.vercel.com`, the emulator in development). */
  apiUrl: URL;
  /** The one-time `code` from the callback. */
  code: string;
  /** The `state` from the callback, passed back unchanged. */
  state: string;
  clientId: string;
  clientSecret: string;
  /** Optional per Vercel's docs. */
  redirectUri?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * Exchanges an SSO `code` for an id_token: `POST {apiUrl}/v1/integrations/sso/token` with a JSON body
 * `{grant_type: "authorization_code", code, state, client_id, client_secret}` and no `Authorization`
 * header (VERCEL-SSO.md §1.3). `grant_type` is sent although older callers omit it.
 * @throws VercelApiError for a non-2xx answer (400: bad, expired or reused code).
 * @throws VercelUnavailableError on timeout, network failure, non-JSON body or missing `id_token`, or an
 *   answer over `SSO_TOKEN_MAX_BODY_BYTES` (64 KiB, `body_too_large`).
 */
export function exchangeSsoCode(input: SsoCodeExchange): Promise<SsoTokenResponse> {
  return requestJson({
    method: 'POST',
    url: new URL('/v1/integrations/sso/token', input.apiUrl),
    body: {
      grant_type: 'authorization_code',
      code: input.code,
      state: input.state,
      client_id: input.clientId,
      client_secret: input.clientSecret,
      ...(input.redirectUri ? { redirect_uri: input.redirectUri } : {}),
    },
    timeoutMs: input.timeoutMs,
    maxBodyBytes: SSO_TOKEN_MAX_BODY_BYTES,
    schema: ssoTokenResponseSchema,
    ...(input.fetch ? { fetch: input.fetch } : {}),
  });
}
