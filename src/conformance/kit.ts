/**
 * What every scenario gets: the running emulator (as Vercel), fresh browsers, a login helper that
 * mints a code exactly as an "Open in Provider" click does (with an optional one-shot token
 * override or token-endpoint fault, always cleared afterwards), and the two ways of telling
 * whether a browser holds a session: exactly, through the vendor's session-check URL, or from the
 * callback's answer (status and `Set-Cookie`) when no such URL was given.
 *
 * Imports only the emulator's public API: the kit treats the implementation under test as a
 * black box, whatever its language.
 *
 * @module
 */
import type { Emulator, Fault, MintedLogin, TokenOverride } from '../emulator';
import { Browser, type Hop, type Visit } from './browser';

/** A seeded Vercel user the kit signs in as. */
export interface SeedUser {
  /** Label used in reports (`ADMIN`, `USER`, `Carol`, …). */
  label: string;
  installationId: string;
  userId: string;
  /** `account:<accountId>:user:<userId>`. */
  sub: string;
  email: string;
  name: string;
}

/** Options of {@link ConformanceKit}. */
export interface KitOptions {
  emulator: Emulator;
  /** The vendor's Redirect Login URL (absolute http(s)). */
  redirectLoginUrl: string;
  /** Answers 2xx when signed in, 401/403 (or a redirect) otherwise. */
  sessionCheckUrl?: string;
  /** Origins, besides the vendor's, that a login may land on (e.g. a separate app origin). */
  allowOrigins?: string[];
  /** Every request must be answered within this many ms. */
  answerBoundMs: number;
}

/** Whether a browser holds a session, and how the kit knows. */
export interface SessionJudgement {
  /** `undefined` when the kit cannot tell (the session check answered something unexpected). */
  signedIn: boolean | undefined;
  /** One short line for the report. */
  detail: string;
  /** The session-check body (when a session-check URL was used and answered 2xx). */
  body?: string;
}

/** The context handed to every scenario. */
export class ConformanceKit {
  readonly emulator: Emulator;
  readonly redirectLoginUrl: string;
  readonly vendorOrigin: string;
  readonly sessionCheckUrl: string | undefined;
  readonly allowOrigins: readonly string[];
  readonly answerBoundMs: number;
  /** Seeded users: Acme's ADMIN and USER, Globex's ADMIN (Carol) and a USER (Mallory). */
  readonly users: { admin: SeedUser; user: SeedUser; victim: SeedUser; attacker: SeedUser };

  constructor(options: KitOptions) {
    this.emulator = options.emulator;
    this.redirectLoginUrl = options.redirectLoginUrl;
    this.vendorOrigin = new URL(options.redirectLoginUrl).origin;
    this.sessionCheckUrl = options.sessionCheckUrl;
    this.allowOrigins = (options.allowOrigins ?? []).map((o) => new URL(o).origin);
    this.answerBoundMs = options.answerBoundMs;
    const [acme, globex] = this.emulator.seed.installations;
    if (!acme || !globex)
      throw new Error('the emulator seed lacks the two installations the kit uses');
    const user = (label: string, installation: typeof acme, index: number): SeedUser => {
      const member = installation.members[index];
      const person = member && this.emulator.seed.people.find((p) => p.id === member.personId);
      if (!member || !person)
        throw new Error(`the emulator seed lacks member ${index} of ${installation.id}`);
      return {
        label,
        installationId: installation.id,
        userId: member.userId,
        sub: `account:${installation.accountId}:user:${member.userId}`,
        email: person.email,
        name: person.name,
      };
    };
    this.users = {
      admin: user('ADMIN', acme, 0),
      user: user('USER', acme, 1),
      victim: user('Carol', globex, 0),
      attacker: user('Mallory', globex, 2),
    };
  }

  /** The issuer (= the emulator's base URL). */
  get issuer(): string {
    return this.emulator.baseUrl;
  }

  /** How "no session" is decided in this run. */
  get sessionEvidence(): 'session-check-url' | 'callback-answer' {
    return this.sessionCheckUrl ? 'session-check-url' : 'callback-answer';
  }

  /** A fresh browser (empty cookie jar). */
  browser(): Browser {
    return new Browser({ vendorOrigin: this.vendorOrigin, answerBoundMs: this.answerBoundMs });
  }

  /** Mint a code + state for `who` as an "Open in Provider" click does (VERCEL-SSO.md §1.2). */
  mint(who: SeedUser, context: Record<string, string> = {}): MintedLogin {
    return this.emulator.controls.mintLogin({
      installationId: who.installationId,
      userId: who.userId,
      context,
    });
  }

  /**
   * Sign in through the vendor's callback as `who`.
   * @param opts.override - a one-shot change to the next id_token (cleared afterwards whatever happens).
   * @param opts.fault - a one-shot token-endpoint fault (cleared afterwards).
   * @param opts.edit - change the callback URL before visiting it (tampering scenarios).
   * @returns the visit and the minted login.
   */
  async login(
    browser: Browser,
    who: SeedUser,
    opts: {
      context?: Record<string, string>;
      override?: TokenOverride;
      fault?: Fault;
      edit?: (url: URL, minted: MintedLogin) => string | void;
    } = {},
  ): Promise<{ visit: Visit; minted: MintedLogin }> {
    const minted = this.mint(who, opts.context);
    const url = new URL(minted.redirectUrl);
    const edited = opts.edit?.(url, minted);
    const controls = this.emulator.controls;
    if (opts.override) controls.setNextTokenOverride(opts.override);
    if (opts.fault) controls.setFault('token', opts.fault, { times: 1 });
    try {
      return { visit: await browser.visit(typeof edited === 'string' ? edited : url.href), minted };
    } finally {
      if (opts.override) controls.setNextTokenOverride(null);
      if (opts.fault) controls.setFault('token', null);
    }
  }

  /**
   * Does `browser` hold a session? With a session-check URL: 2xx = yes; 401, 403 or a redirect =
   * no; anything else = cannot tell. Without: judged from the callback visit (a final answer
   * below 400 after a `Set-Cookie` counts as signed in).
   */
  async session(browser: Browser, visit: Visit, omitCookie?: string): Promise<SessionJudgement> {
    if (!this.sessionCheckUrl) {
      const cookies = visit.hops.reduce((n, h) => n + h.setCookies.length, 0);
      const last = visit.hops.at(-1);
      const signedIn =
        last !== undefined && (last.status < 400 || visit.leftTo !== undefined) && cookies > 0;
      return {
        signedIn,
        detail: signedIn
          ? 'cookies set and no error (judged from the callback answer)'
          : 'no cookie or an error answer (judged from the callback answer)',
      };
    }
    let hop: Hop;
    try {
      hop = await browser.fetchOnce(this.sessionCheckUrl, omitCookie);
    } catch (error) {
      return { signedIn: undefined, detail: `session check failed: ${(error as Error).name}` };
    }
    if (hop.status >= 200 && hop.status < 300)
      return { signedIn: true, detail: `session check ${hop.status}`, body: hop.body };
    if (hop.status === 401 || hop.status === 403 || (hop.status >= 300 && hop.status < 400)) {
      return { signedIn: false, detail: `session check ${hop.status}` };
    }
    return {
      signedIn: undefined,
      detail: `session check answered ${hop.status} (expected 2xx, 401 or 403)`,
    };
  }

  /** `true` when `url` is on the vendor's origin or an allow-listed one. */
  isAllowedLanding(url: string): boolean {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
      return u.origin === this.vendorOrigin || this.allowOrigins.includes(u.origin);
    } catch {
      return false;
    }
  }

  /** The path of `url` when on the vendor's origin, else origin + path (never the query): for reports. */
  display(url: string): string {
    try {
      const u = new URL(url);
      return u.origin === this.vendorOrigin ? u.pathname : `${u.origin}${u.pathname}`;
    } catch {
      return 'an unparsable URL';
    }
  }

  /**
   * JWTs issued by the emulator found in `text` (cookie values, pages): compact JWS whose payload
   * decodes to JSON with `iss` equal to the issuer. Returns how many.
   */
  countIdTokens(text: string): number {
    let count = 0;
    for (const match of text.matchAll(
      /eyJ[A-Za-z0-9_-]{4,}\.(eyJ[A-Za-z0-9_-]{4,})\.[A-Za-z0-9_-]*/g,
    )) {
      try {
        const payload = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as {
          iss?: unknown;
        };
        if (payload.iss === this.issuer) count += 1;
      } catch {
        // not a JWT of ours
      }
    }
    return count;
  }
}
