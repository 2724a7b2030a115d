/**
 * Polls `check` every `intervalMs` until it holds; throws after `maxMs` with `what` and, when
 * given, `detail()` (what the test saw so far). A hang guard, never a timing assertion: a poll
 * without a deadline outlives a failed test and keeps jest from exiting (a CI run once hung for
 * its whole 90 minutes on one). The deadline also bounds a check that never settles (a request to
 * a backend that accepts and never answers, a Redis command queued while offline): it is abandoned
 * when the time is up.
 */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  maxMs = 30_000,
  intervalMs = 100,
  detail?: () => string,
): Promise<void> {
  const until = Date.now() + maxMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const attempt = Promise.resolve().then(check);
      attempt.catch(() => undefined); // an abandoned attempt must not reject unhandled later
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, until - Date.now()));
      });
      if ((await Promise.race([attempt, late])) === true) return;
    } catch {
      // not yet
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() >= until)
      throw new Error(`timed out waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
