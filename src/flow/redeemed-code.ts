import { createHash } from 'node:crypto';
import type { OneTimeStore } from '../stores/one-time-store';
import { identityKey, type VercelIdentity } from './identity';

/**
 * How long a redeemed code is remembered, ms. Longer than any code lifetime Vercel uses, so a
 * replay (refresh, back button) is recognised without calling Vercel (RFC 9700 §4.2.4 one-time use).
 */
export const REDEEMED_CODE_TTL_MS = 10 * 60 * 1000;

/**
 * The redeemed-code record of one authorization `code`, shared by every instance through the
 * {@link OneTimeStore}: claimed before the exchange (so two browsers, or two instances, can never
 * both exchange it), released when Vercel may not have used it (a retry of the link then works),
 * and marked done with the identity it signed in (so a refresh in the same browser lands again).
 * The store key is a hash of the code: the code itself is never stored or logged.
 */
export class RedeemedCode {
  /** The store key (`code:<sha256 base64url>`); safe to keep in other records. */
  readonly key: string;

  constructor(
    private readonly store: OneTimeStore,
    code: string,
    private readonly ttlMs: number = REDEEMED_CODE_TTL_MS,
  ) {
    this.key = RedeemedCode.keyOf(code);
  }

  /** The store key of `code`. */
  static keyOf(code: string): string {
    return `code:${createHash('sha256').update(code).digest('base64url')}`;
  }

  /** Rebuilds the record handle from its {@link key} (account switch keeps only the key). */
  static fromKey(
    store: OneTimeStore,
    key: string,
    ttlMs: number = REDEEMED_CODE_TTL_MS,
  ): RedeemedCode {
    const record = Object.create(RedeemedCode.prototype) as RedeemedCode;
    Object.assign(record, { store, ttlMs, key });
    return record;
  }

  /**
   * Claims the code once across all instances (`SET NX`).
   * @returns true when this request won and may exchange the code; false when it was seen before.
   * @throws the store's `StoreUnavailableError`; the claim is then released behind it, so a stalled
   *   write that lands later does not turn a retry into a replay.
   */
  async claim(): Promise<boolean> {
    try {
      return await this.store.claim(this.key, 'pending', this.ttlMs);
    } catch (error) {
      void this.release();
      throw error;
    }
  }

  /** Forgets the claim (Vercel may not have used the code): the same link may be retried. Never throws. */
  async release(): Promise<void> {
    await this.store.delete(this.key).catch(() => undefined);
  }

  /**
   * The record of a code redeemed by `identity`: `done:` and a 128-bit digest of the identity key
   * (22 characters whatever the ids' length), so the one-time store holds no ids and a record stays
   * small in memory (issue 16: at most 300 bytes of heap per record).
   */
  static doneRecord(identity: Pick<VercelIdentity, 'installationId' | 'userId'>): string {
    const digest = createHash('sha256').update(identityKey(identity)).digest();
    return `done:${digest.subarray(0, 16).toString('base64url')}`;
  }

  /** Records that the code signed in `identity`. Never throws (the login already succeeded). */
  async markDone(identity: Pick<VercelIdentity, 'installationId' | 'userId'>): Promise<void> {
    await this.store
      .set(this.key, RedeemedCode.doneRecord(identity), this.ttlMs)
      .catch(() => undefined);
  }

  /** True when the code was redeemed by a login of `identity` (a replay in the same browser). Never throws. */
  async wasRedeemedBy(
    identity: Pick<VercelIdentity, 'installationId' | 'userId'>,
  ): Promise<boolean> {
    const record = await this.store.get(this.key).catch(() => undefined);
    return record === RedeemedCode.doneRecord(identity);
  }
}
