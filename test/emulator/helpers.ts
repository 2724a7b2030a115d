/**
 * Shared helpers for the emulator tests: start an emulator on 127.0.0.1:0 and exchange codes.
 */
import request from 'supertest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';

/** Integration settings used by every emulator test. */
export const TEST_INTEGRATION = {
  clientId: 'oac_testClient000000000001',
  clientSecret: 'test-secret-value',
  slug: 'acme-provider',
  name: 'Acme <Provider>',
  redirectLoginUrl: 'https://provider.example.test/callback',
} as const;

/** Seeded ids used across the tests. */
export const IDS = {
  acme: 'icfg_acme0000000000000001',
  globex: 'icfg_globex00000000000001',
  aliceAcme: 'a11ce000000000000000000000000000000000000000000000000000000000a1',
  bobAcme: 'b0b00000000000000000000000000000000000000000000000000000000000a2',
  carolGlobex: 'ca4010000000000000000000000000000000000000000000000000000000b001',
  aliceGlobex: 'a11ce000000000000000000000000000000000000000000000000000000000b2',
  malloryGlobex: '3a11030000000000000000000000000000000000000000000000000000000b03',
  acmeAccount: 'ac3e00000000000000000000000000000000000000000000000000000000a001',
  globexAccount: '610be00000000000000000000000000000000000000000000000000000000b02',
} as const;

/** A started emulator. */
export interface Started {
  emu: Emulator;
  url: string;
  close(): Promise<void>;
}

/** Create and listen on an ephemeral port. */
export async function startEmulator(
  opts: Partial<Omit<EmulatorOptions, 'integration'>> = {},
): Promise<Started> {
  const emu = await createEmulator({ integration: { ...TEST_INTEGRATION }, ...opts });
  const { url, close } = await emu.listen(0, '127.0.0.1');
  return { emu, url, close };
}

/** Body of a valid token request for a minted code. */
export function tokenBody(code: string, state: string): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    code,
    state,
    client_id: TEST_INTEGRATION.clientId,
    client_secret: TEST_INTEGRATION.clientSecret,
  };
}

/** POST a JSON token request. */
export function postToken(url: string, body: Record<string, unknown>): request.Test {
  return request(url)
    .post('/v1/integrations/sso/token')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));
}

/** Mint a login for Alice@Acme and exchange it; returns the response. */
export async function exchangeFresh(
  s: Started,
  installationId: string = IDS.acme,
  userId: string = IDS.aliceAcme,
): Promise<request.Response> {
  const { code, state } = s.emu.controls.mintLogin({ installationId, userId });
  return postToken(s.url, tokenBody(code, state));
}
