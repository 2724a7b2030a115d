import type { LoginContext, LoginDecision, SessionIdentity } from '../index';

/**
 * The "How you got here" record of one sign-in, shown by the reference service in demo mode
 * (issue 17). Built from what `onLogin` receives (`LoginContext`), so every value here is one a
 * vendor's own `onLogin` could see too. Never a code, state or token value: those are masked.
 */
export interface LoginTrail {
  /** Every query parameter of the callback as Vercel sent it, in order; secrets masked (see {@link maskCallbackParams}). */
  params: Array<{ name: string; value: string; masked: boolean }>;
  /** The deep-link rule that matched (`DeepLinkTarget.kind`, VERCEL-SSO.md §1.2) and where it lands. */
  landing: { kind: string; location: string; warnings: string[] };
  /** The verified id_token claims as the library maps them (VERCEL-SSO.md §2), never the token itself. */
  claims: Array<{ name: string; value: string }>;
  /** What `onLogin` returned, as JSON text. */
  decision: string;
  /** When the sign-in happened, ms since epoch. */
  atMs: number;
}

/**
 * Callback parameters whose values are secrets or single-use credentials (VERCEL-SSO.md §1.1:
 * `code` and `state`; OWASP ASVS V7.1.1 "no credentials in logs"); shown as their length only.
 */
export const MASKED_PARAMS: readonly string[] = [
  'code',
  'state',
  'id_token',
  'access_token',
  'token',
];

/** Longest parameter value shown, characters (longer ones are cut and marked with `…`). */
export const MAX_SHOWN_VALUE_LENGTH = 200;

/**
 * The callback's query parameters for display: each value of a {@link MASKED_PARAMS} name becomes
 * `•••• (N characters)`; other values are cut at {@link MAX_SHOWN_VALUE_LENGTH}. A repeated
 * parameter is shown once per value. Values are untrusted text: the templates escape them.
 */
export function maskCallbackParams(query: Record<string, unknown>): LoginTrail['params'] {
  const out: LoginTrail['params'] = [];
  for (const [name, raw] of Object.entries(query)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
      if (MASKED_PARAMS.includes(name.toLowerCase()))
        out.push({ name, value: `•••• (${text.length} characters)`, masked: true });
      else
        out.push({
          name,
          value:
            text.length > MAX_SHOWN_VALUE_LENGTH
              ? `${text.slice(0, MAX_SHOWN_VALUE_LENGTH)}…`
              : text,
          masked: false,
        });
    }
  }
  return out;
}

/** Most sign-ins remembered (one per installation and user; the oldest is forgotten first). */
export const MAX_TRAILS = 200;

/**
 * Remembers the last sign-in of each (installation, user) for the demo's "How you got here" panel.
 * In memory, bounded by {@link MAX_TRAILS}; development only.
 */
export class LoginTrails {
  private readonly trails = new Map<string, LoginTrail>();

  /**
   * Wraps an `onLogin` (default: allow everyone) so that each sign-in is recorded with its decision.
   * A refusal or a throw is passed on unchanged (the library shows its page); only allowed sign-ins are recorded.
   */
  wrap(
    onLogin: (context: LoginContext) => LoginDecision | Promise<LoginDecision> = () => ({
      allow: true,
    }),
  ): (context: LoginContext) => Promise<LoginDecision> {
    return async (context) => {
      const decision = await onLogin(context);
      if (decision && decision.allow === true) this.record(context, decision);
      return decision;
    };
  }

  /** Records one sign-in (what `onLogin` received and returned). */
  record(context: LoginContext, decision: LoginDecision): void {
    const { identity, landing } = context;
    const claims: LoginTrail['claims'] = [
      { name: 'sub', value: identity.subject },
      { name: 'installation_id', value: identity.installationId },
      { name: 'account_id', value: identity.accountId },
      { name: 'user_id', value: identity.userId },
      { name: 'user_role', value: identity.role },
      ...(identity.name !== undefined ? [{ name: 'user_name', value: identity.name }] : []),
      ...(identity.email !== undefined ? [{ name: 'user_email', value: identity.email }] : []),
      ...(identity.avatarUrl !== undefined
        ? [{ name: 'user_avatar_url', value: identity.avatarUrl }]
        : []),
    ];
    const key = trailKey(identity);
    this.trails.delete(key);
    this.trails.set(key, {
      params: maskCallbackParams(context.req.query),
      landing: { kind: landing.kind, location: landing.location, warnings: [...landing.warnings] },
      claims,
      decision: JSON.stringify(decision),
      atMs: Date.now(),
    });
    while (this.trails.size > MAX_TRAILS)
      this.trails.delete(this.trails.keys().next().value as string);
  }

  /** The last recorded sign-in of this identity's (installation, user), if any. */
  forIdentity(
    identity: Pick<SessionIdentity, 'installationId' | 'userId'>,
  ): LoginTrail | undefined {
    return this.trails.get(trailKey(identity));
  }
}

function trailKey(identity: Pick<SessionIdentity, 'installationId' | 'userId'>): string {
  return `${identity.installationId}\u0000${identity.userId}`;
}
