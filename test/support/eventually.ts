/**
 * Polls `check` every `intervalMs` until it holds; throws after `maxMs` with `what` and, when
 * given, `detail()` (what the test saw so far). A hang guard, never a timing assertion: a poll
 * without a deadline outlives a failed test and keeps jest from exiting (a CI run once hung for
 * its whole 90 minutes on one).
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
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
