/**
 * Readiness (`/readyz`) answered from what the process already knows (issue 19): a background check
 * at a fixed interval pings the session store and, only when no fresh JWKS is cached, asks the issuer
 * for its keys once. `/readyz` itself never makes a request, so calling it cannot make the service
 * hammer Vercel: however often it is called, Vercel sees at most one discovery or JWKS request per
 * interval from readiness.
 *
 * @module
 */
import type { IdTokenVerifier } from './id-token';

/** The result a `/readyz` answer is built from. */
export interface ReadinessReport {
  ready: boolean;
  checks: {
    /** The session store answered its last ping. */
    session_store: 'ok' | 'unavailable';
    /** A JWKS is cached (fetched now or earlier): tokens verify. */
    issuer_keys: 'ok' | 'unavailable';
  };
  /** Age of the last background check when this report was made, ms. */
  checkedAgoMs: number;
}

/** Options of {@link Readiness}. */
export interface ReadinessOptions {
  /** The session store's health check; never throws, bounded by the store's command timeout. */
  ping(): Promise<boolean>;
  verifier: Pick<IdTokenVerifier, 'keysStatus' | 'keysAvailable'>;
  /** Time between two background checks, ms (`READINESS_CHECK_INTERVAL_MS`). */
  intervalMs: number;
  /** Clock, ms since epoch (tests). */
  now?: () => number;
}

/**
 * Cached readiness with a background refresh. The timer starts with the first {@link report} (the
 * first caller waits for the first check; concurrent first callers share it), is `unref`'d so it never
 * keeps the process alive, and stops with {@link stop}. A check never overlaps the previous one.
 */
export class Readiness {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private first?: Promise<void>;
  private state?: { sessionStore: boolean; issuerKeys: boolean; atMs: number };
  private stopped = false;

  constructor(private readonly options: ReadinessOptions) {}

  /**
   * The readiness as of the last background check (waits for the first check only). Never throws and
   * never triggers a request of its own.
   */
  async report(): Promise<ReadinessReport> {
    if (!this.first) this.start();
    await this.first;
    const now = (this.options.now ?? Date.now)();
    const state = this.state ?? { sessionStore: false, issuerKeys: false, atMs: now };
    return {
      ready: state.sessionStore && state.issuerKeys,
      checks: {
        session_store: state.sessionStore ? 'ok' : 'unavailable',
        issuer_keys: state.issuerKeys ? 'ok' : 'unavailable',
      },
      checkedAgoMs: Math.max(0, now - state.atMs),
    };
  }

  /** Starts the background check (idempotent); the first check runs now. */
  start(): void {
    if (this.first || this.stopped) {
      this.first ??= Promise.resolve();
      return;
    }
    this.first = this.check();
    this.timer = setInterval(() => void this.check(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the background check; later reports keep the last result. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check: store ping; the issuer's keys only when no fresh JWKS is cached (one request at most). */
  private check(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const { verifier } = this.options;
      const keys = verifier.keysStatus();
      const [sessionStore, issuerKeys] = await Promise.all([
        this.options.ping().catch(() => false),
        keys.cached && keys.fresh
          ? Promise.resolve(true)
          : verifier.keysAvailable().catch(() => false),
      ]);
      this.state = { sessionStore, issuerKeys, atMs: (this.options.now ?? Date.now)() };
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
