// @ts-check
/**
 * Child process: the Vercel emulator in bench mode (`presignTokens`: one id_token per
 * (installation, user) per ~30 s), codes valid for an hour so they can be minted before the
 * measured window. Commands: `mint`, `stats`, `resetStats`, `rotateKey`, `stop`.
 * @module
 */
'use strict';

const { createEmulator } = require('../../dist/emulator');
const { serve, ready } = require('./ipc');

/** Client id and secret of the bench integration (development values). */
const CLIENT_ID = 'oac_bench00000000000000000001';
const CLIENT_SECRET = 'bench-client-secret-0123456789abcdef';

async function main() {
  const emulator = await createEmulator({
    integration: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      slug: 'acme-provider',
      name: 'Acme Provider',
      redirectLoginUrl: 'http://127.0.0.1:1/callback',
    },
    codeTtlSeconds: 3600,
    presignTokens: process.env.BENCH_PRESIGN !== '0',
  });
  const server = await emulator.listen(0, '127.0.0.1');
  /** Every (installation, user, resource) of the seed: logins go round-robin over them. */
  const logins = emulator.seed.installations.flatMap((installation) =>
    installation.members.map((member) => ({
      installationId: installation.id,
      userId: member.userId,
      resourceId: installation.resources[0]?.id,
    })),
  );

  serve({
    /**
     * Mint `n` logins, round-robin over the seeded users.
     * @param {{ n: number }} args
     * @returns {string[]} callback query strings (`mode=sso&code=…&state=…&resource_id=…`)
     */
    mint: ({ n }) => {
      /** @type {string[]} */
      const out = new Array(n);
      for (let i = 0; i < n; i += 1) {
        const login = /** @type {(typeof logins)[number]} */ (logins[i % logins.length]);
        const { code, state } = emulator.controls.mintLogin({
          installationId: login.installationId,
          userId: login.userId,
        });
        out[i] =
          `mode=sso&code=${code}&state=${state}${login.resourceId ? `&resource_id=${login.resourceId}` : ''}`;
      }
      return out;
    },
    stats: () => emulator.controls.stats(),
    resetStats: () => emulator.controls.resetStats(),
    rotateKey: () => emulator.controls.rotateKey({ keepPrevious: true }),
    stop: async () => {
      await server.close();
      process.exit(0);
    },
  });
  ready({ url: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
}

main().catch((error) => {
  process.stderr.write(`emulator child failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
