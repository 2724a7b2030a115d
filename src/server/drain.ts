import type { Server } from 'node:http';

/**
 * Shutdown state shared by the HTTP server and the readiness probe: once {@link start}ed, `/readyz`
 * answers 503 so a load balancer stops sending new work, while requests already accepted finish.
 * Created by `startServer` and passed to `createApp` (`AppDependencies.drain`).
 *
 * Source of the rule: Kubernetes "Pod termination" (readiness fails first, then the process gets
 * its grace period) and the issue-14 operations requirements; the timing knobs are
 * `SHUTDOWN_DRAIN_DELAY_MS` and `SHUTDOWN_GRACE_MS` (README, configuration table).
 */
export class DrainState {
  private drainingSince: number | undefined;
  private inFlightCount = 0;
  private readonly idleWaiters: Array<() => void> = [];

  /** True from the moment shutdown began (SIGTERM/SIGINT): `/readyz` answers 503. */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Requests accepted by the server and not yet answered (every route, probes included). */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Marks the process as draining; idempotent. */
  start(): void {
    this.drainingSince ??= Date.now();
  }

  /** Counts every request `server` accepts until its response closes (finished or aborted). */
  track(server: Server): void {
    server.on('request', (_req, res) => {
      this.inFlightCount += 1;
      res.once('close', () => {
        this.inFlightCount -= 1;
        if (this.inFlightCount === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    });
  }

  /**
   * Resolves once the drain delay has passed and no request other than `ignoring` is in flight,
   * or after `maxMs` milliseconds, whichever comes first. Never rejects.
   * @param delayMs - minimum time to keep accepting requests after {@link start} (the load balancer's
   *   time to notice the failing `/readyz`), milliseconds.
   * @param maxMs - upper bound on the wait, milliseconds (the grace period).
   */
  async settled(delayMs: number, maxMs: number): Promise<void> {
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, maxMs).unref());
    const quiet = (async () => {
      if (delayMs > 0) await new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
      while (this.inFlightCount > 0)
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    })();
    await Promise.race([deadline, quiet]);
  }
}
