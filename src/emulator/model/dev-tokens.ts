/**
 * Seeded development API tokens: one per seeded person, with a deterministic, clearly fake value
 * `vercel_dev_token_<name>_<16 hex>` (e.g. `vercel_dev_token_alice_…`) shown on the emulator
 * dashboard, so `npm run vercel -- tokens …` can be tried against the demo without creating one
 * first. The values are public by design: the emulator refuses to run in production.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { EmulatorSeed } from './seed';
import type { UserTokenStore } from './user-tokens';

/** One seeded development token (the value is kept here for the dashboard; the store has its hash only). */
export interface DevToken {
  /** Owner, `person_…`. */
  personId: string;
  /** Owner's display name. */
  personName: string;
  /** The token id (deterministic). */
  tokenId: string;
  /** The token value to send as `Authorization: Bearer …`. */
  bearerToken: string;
}

/** Lower-case alphanumeric short name of a person id (`person_alice` → `alice`). */
function shortName(personId: string): string {
  return (
    personId
      .replace(/^person_/, '')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase() || 'user'
  );
}

function digest(label: string, personId: string): string {
  return createHash('sha256').update(`vercel-emulator:${label}:${personId}`, 'utf8').digest('hex');
}

/** The deterministic development token value of a person, e.g. `vercel_dev_token_alice_3f…` (16 hex). */
export function devTokenValue(personId: string): string {
  return `vercel_dev_token_${shortName(personId)}_${digest('dev-token', personId).slice(0, 16)}`;
}

/** Store one non-expiring development token (name `Development token`) per seeded person. */
export function seedDevTokens(store: UserTokenStore, seed: EmulatorSeed): DevToken[] {
  return seed.people.map((person) => {
    const bearerToken = devTokenValue(person.id);
    const { token } = store.create({
      personId: person.id,
      name: 'Development token',
      value: bearerToken,
      id: digest('dev-token-id', person.id),
    });
    return { personId: person.id, personName: person.name, tokenId: token.id, bearerToken };
  });
}
