import type { Request, RequestHandler, Response } from 'express';

/** The request properties express-session writes: always the shadow's own. */
const OWN_SLOTS = ['session', 'sessionID', 'sessionStore'];

/**
 * Runs the library's own express-session on a *shadow* of the request, so the host app's own
 * `req.session` (if it runs express-session too) is never read, replaced or saved by us, and ours
 * never by it.
 *
 * The shadow is a Proxy over `Object.create(req)`: it inherits everything (headers, `secure`, `ip`,
 * `body`, `log`, `id`) but has its own `session`/`sessionID`/`sessionStore` slots, which
 * express-session fills (it skips itself when `req.session` is already set, hence the own
 * `undefined` slots). `delete shadow.session` (what express-session's `destroy` does) empties the
 * slot instead of removing it, so the host's `req.session` can never show through after a sign-out.
 * Our flow works on the shadow; express-session's response hooks (cookie, save, touch) act on the
 * shadow's session. Each request loads our session at most once; only shadows made here are ever
 * read back (never the host's own `req.session`).
 */
export class SessionScope {
  private readonly loading = new WeakMap<Request, Promise<Request>>();
  private readonly loaded = new WeakMap<Request, Request>();
  private readonly shadows = new WeakSet<Request>();

  /**
   * @param middleware - the library's session chain (express-session, then the lifetime check);
   *   it must call `next(error)` with a `LoginFailure` when the store fails.
   */
  constructor(private readonly middleware: RequestHandler[]) {}

  /**
   * Loads our session for `req` (once per request).
   * @returns the shadow request carrying `session` and `sessionID`.
   * @throws what the session chain passed to `next` (`session_store_unavailable`).
   */
  load(req: Request, res: Response): Promise<Request> {
    let pending = this.loading.get(req);
    if (!pending) {
      pending = this.run(req, res);
      this.loading.set(req, pending);
    }
    return pending;
  }

  /** The shadow of `req` when {@link load} has completed for it, else undefined (synchronous). */
  peek(req: Request): Request | undefined {
    return this.loaded.get(req) ?? (this.shadows.has(req) ? req : undefined);
  }

  private run(req: Request, res: Response): Promise<Request> {
    const target = Object.create(req) as Request;
    for (const slot of OWN_SLOTS) {
      Object.defineProperty(target, slot, {
        value: undefined,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
    const shadow = new Proxy(target, {
      deleteProperty(object, key) {
        if (OWN_SLOTS.includes(key as string)) {
          (object as unknown as Record<string, unknown>)[key as string] = undefined;
          return true;
        }
        return Reflect.deleteProperty(object, key);
      },
    });
    this.shadows.add(shadow);
    return new Promise<Request>((resolve, reject) => {
      const step = (index: number): void => {
        const handler = this.middleware[index];
        if (!handler) {
          this.loaded.set(req, shadow);
          resolve(shadow);
          return;
        }
        let called = false;
        const next = (error?: unknown) => {
          if (called) return;
          called = true;
          if (error) reject(error);
          else step(index + 1);
        };
        try {
          const result: unknown = handler(shadow, res, next);
          if (result instanceof Promise) result.catch(next);
        } catch (error) {
          next(error);
        }
      };
      step(0);
    });
  }
}
