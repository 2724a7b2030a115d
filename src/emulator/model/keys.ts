/**
 * Signing keys of the emulated issuer: RS256 2048-bit RSA key pairs generated with jose at
 * start-up, the public JWKS, and rotation. Vercel selects nothing for us here: public verifiers
 * pin RS256 and choose the key by `kid` (VERCEL-SSO.md §2), so every JWK carries `kid`,
 * `alg: 'RS256'` and `use: 'sig'`.
 *
 * @module
 */
import { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose' with { 'resolution-mode': 'import' };

/** A public JWK as published at `/.well-known/jwks`. */
export interface PublicSigningJwk extends JWK {
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
}

/** One RS256 signing key. */
export interface SigningKey {
  /** Key id: the RFC 7638 JWK thumbprint (base64url SHA-256) of the public key. */
  kid: string;
  /** Node KeyObject of the private key (used with `crypto.sign('sha256', …)`). */
  privateKey: KeyObject;
  /** The public JWK as published in the JWKS. */
  publicJwk: PublicSigningJwk;
  /**
   * The public key as an SPKI PEM string in Node's `KeyObject.export({type: 'spki', format: 'pem'})`
   * form (64-char lines, trailing newline); used only by the `hs256-public-key` attack token.
   */
  publicPem: string;
  /** Creation time, ms since epoch. */
  createdAtMs: number;
}

/**
 * Generate one RS256 2048-bit key pair with jose (`generateKeyPair('RS256', {extractable: true})`).
 * Takes roughly 50-300 ms of CPU.
 */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    extractable: true,
    modulusLength: 2048,
  });
  const jwk = await exportJWK(publicKey);
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw new Error('unexpected public JWK shape from jose');
  }
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'sha256');
  return {
    kid,
    privateKey: toKeyObject(privateKey),
    publicJwk: { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e },
    publicPem: toKeyObject(publicKey).export({ type: 'spki', format: 'pem' }).toString(),
    createdAtMs: Date.now(),
  };
}

/** jose 6 returns WebCrypto `CryptoKey`s on Node; convert to a Node `KeyObject`. */
function toKeyObject(key: Parameters<typeof KeyObject.from>[0] | KeyObject): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}

/**
 * The issuer's key ring: one active signing key plus, after `rotate({keepPrevious: true})`,
 * previous keys that are still published (tokens signed before the rotation keep verifying).
 * Also holds a lazily generated "unknown" key that is never published, for
 * `TokenOverride.signWith: 'unknown-key'`.
 */
export class KeyRing {
  private activeKey: SigningKey;
  private previous: SigningKey[] = [];
  /** A published key that never signs and shares the active key's `kid` (see {@link KeyRing.rotate}). */
  private decoy: SigningKey | undefined;
  private unknown: Promise<SigningKey> | undefined;

  private constructor(active: SigningKey) {
    this.activeKey = active;
  }

  /** Create a key ring with one freshly generated active key. */
  static async create(): Promise<KeyRing> {
    return new KeyRing(await generateSigningKey());
  }

  /** The key that signs new tokens. */
  get active(): SigningKey {
    return this.activeKey;
  }

  /**
   * `{keys: [...]}` as served at `/.well-known/jwks`: the decoy sharing the active `kid` (if any),
   * the active key, then kept previous keys.
   */
  jwks(): { keys: PublicSigningJwk[] } {
    const decoy = this.decoy ? [{ ...this.decoy.publicJwk, kid: this.activeKey.kid }] : [];
    return {
      keys: [...decoy, ...[this.activeKey, ...this.previous].map((k) => ({ ...k.publicJwk }))],
    };
  }

  /**
   * Generate a new active key.
   * @param keepPrevious - `true` (default): every previously published key stays in the JWKS;
   *   `false`: the JWKS contains only the new key (tokens signed earlier stop verifying).
   * @param decoySharingKid - `true`: also publish, before the new key, another key that never
   *   signs and carries the new key's `kid` (RFC 7517 §4.5 says kids SHOULD be distinct, not
   *   MUST); a verifier that takes the first key with a matching `kid` then fails. Default
   *   `false`; any later rotation drops the decoy.
   * @returns the new key's `kid`.
   */
  async rotate(keepPrevious = true, decoySharingKid = false): Promise<string> {
    const [next, decoy] = await Promise.all([
      generateSigningKey(),
      decoySharingKid ? generateSigningKey() : undefined,
    ]);
    this.previous = keepPrevious ? [this.activeKey, ...this.previous] : [];
    this.activeKey = next;
    this.decoy = decoy;
    return next.kid;
  }

  /** A valid RS256 key that is never published in the JWKS (generated on first use, then reused). */
  unknownKey(): Promise<SigningKey> {
    this.unknown ??= generateSigningKey();
    return this.unknown;
  }
}
