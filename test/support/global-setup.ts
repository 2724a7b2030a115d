import { redisReachable, TEST_REDIS_URL } from './redis';

/** Runs once before all test files: probes Redis so every file agrees on running or skipping the Redis tests. */
export default async function globalSetup(): Promise<void> {
  const reachable = await redisReachable();
  process.env.REDIS_REACHABLE = String(reachable);
  if (!reachable) {
    const verdict =
      process.env.CI === 'true'
        ? 'CI=true, so the Redis tests will FAIL'
        : 'the Redis tests are SKIPPED';
    process.stdout.write(
      `\n[vercel-marketplace-sso] No Redis at ${TEST_REDIS_URL}: ${verdict}. Start one with: redis-server --daemonize yes\n\n`,
    );
  }
}
