import { chromiumAvailable, INSTALL_HINT } from './chromium';

/** Runs once before the e2e files: without Chromium the run says how to install it and fails. */
export default function globalSetup(): void {
  if (chromiumAvailable()) return;
  process.stderr.write(`\n[vercel-marketplace-sso] ${INSTALL_HINT}\n\n`);
  throw new Error(INSTALL_HINT);
}
