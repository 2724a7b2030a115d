import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { VercelSsoError } from '../errors/base';

/** JWS algorithms an assertion key may use (asymmetric only, RFC 8725 §3.1). */
export type AssertionAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'PS256' | 'EdDSA';

/** One signing key of the sidecar, its public JWK and its `kid`. */
export interface AssertionKey {
  privateKey: KeyObject;
  alg: AssertionAlgorithm;
  kid: string;
  /** The public half as published at `/.well-known/jwks.json` (with `kid`, `alg`, `use: sig`). */
  publicJwk: JWK;
}

/** The code of the sidecar keys module's one error (closed): `ERR_ASSERTION_KEY`. */
export type AssertionKeyErrorCode = 'ERR_ASSERTION_KEY';

/**
 * `ASSERTION_SIGNING_KEY` could not be read. `message` names the key by position, never its value;
 * `cause` is the parser's error (`JSON.parse`, `createPrivateKey`, jose's `importJWK`).
 */
export class AssertionKeyError extends VercelSsoError<AssertionKeyErrorCode> {
  readonly code = 'ERR_ASSERTION_KEY' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AssertionKeyError';
  }
}

const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g;

/**
 * Splits `ASSERTION_SIGNING_KEY` into private keys, newest (the signing one) first. Accepted: one
 * or more PEM private keys (PKCS#8 or SEC1/PKCS#1) one after the other; a private JWK; a JSON
 * array of them; a JWK Set `{"keys": [...]}` (RFC 7517 §5). Literal `\n` sequences (one-line
 * environment values) are read as newlines.
 * @throws {@link AssertionKeyError} when nothing usable is found, a key is public-only or of an unsupported type.
 */
export function parseSigningKeys(
  raw: string,
): Array<{ privateKey: KeyObject; kid?: string; alg?: string }> {
  const text = raw.trim().replace(/\\n/g, '\n');
  const found: Array<{ privateKey: KeyObject; kid?: string; alg?: string }> = [];
  if (text.startsWith('{') || text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AssertionKeyError(
        'ASSERTION_SIGNING_KEY: not valid JSON (expected a private JWK, an array of them or {"keys": [...]})',
        { cause: error },
      );
    }
    const list = Array.isArray(parsed)
      ? parsed
      : Array.isArray((parsed as { keys?: unknown }).keys)
        ? (parsed as { keys: unknown[] }).keys
        : [parsed];
    list.forEach((jwk, index) => {
      if (typeof jwk !== 'object' || jwk === null || typeof (jwk as JWK).d !== 'string')
        throw new AssertionKeyError(
          `ASSERTION_SIGNING_KEY: key ${index + 1} is not a private JWK (no "d")`,
        );
      try {
        const { kid, alg } = jwk as JWK;
        found.push({
          privateKey: createPrivateKey({ key: jwk as never, format: 'jwk' }),
          ...(kid ? { kid } : {}),
          ...(alg ? { alg } : {}),
        });
      } catch (error) {
        throw new AssertionKeyError(
          `ASSERTION_SIGNING_KEY: key ${index + 1} is not a usable private JWK`,
          { cause: error },
        );
      }
    });
  } else {
    const blocks = text.match(PEM_BLOCK) ?? [];
    blocks.forEach((pem, index) => {
      try {
        found.push({ privateKey: createPrivateKey(pem) });
      } catch (error) {
        throw new AssertionKeyError(`ASSERTION_SIGNING_KEY: PEM key ${index + 1} cannot be read`, {
          cause: error,
        });
      }
    });
  }
  if (found.length === 0)
    throw new AssertionKeyError(
      'ASSERTION_SIGNING_KEY: expected PEM private key(s) or private JWK(s)',
    );
  return found;
}

/** The algorithm for a key: its JWK `alg` when given, else by type (EC curve, RSA → RS256, Ed25519 → EdDSA). */
function algorithmFor(key: KeyObject, declared?: string): AssertionAlgorithm {
  const byType = (): AssertionAlgorithm | undefined => {
    if (key.asymmetricKeyType === 'ec') {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'prime256v1'
        ? 'ES256'
        : curve === 'secp384r1'
          ? 'ES384'
          : curve === 'secp521r1'
            ? 'ES512'
            : undefined;
    }
    if (key.asymmetricKeyType === 'rsa')
      return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? 'RS256' : undefined;
    if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
    return undefined;
  };
  const alg = byType();
  if (!alg)
    throw new AssertionKeyError(
      `ASSERTION_SIGNING_KEY: unsupported key type ${key.asymmetricKeyType ?? 'unknown'} (use EC P-256 for ES256, RSA ≥ 2048 bits, or Ed25519)`,
    );
  if (declared === 'PS256' && alg === 'RS256') return 'PS256';
  if (declared && declared !== alg)
    throw new AssertionKeyError(
      `ASSERTION_SIGNING_KEY: alg ${declared} does not match the key type (${alg})`,
    );
  return alg;
}

/**
 * Builds the sidecar's assertion keys: the first signs, all are published (rotation: add the new
 * key first, keep the old one published for at least the assertion lifetime, then drop it).
 * `kid` is the JWK's own `kid`, else its RFC 7638 thumbprint.
 * @param raw - `ASSERTION_SIGNING_KEY`, or undefined for a fresh ES256 key (development only:
 *   assertions stop verifying when the process restarts).
 * @throws {@link AssertionKeyError} as {@link parseSigningKeys}.
 */
export async function loadAssertionKeys(raw: string | undefined): Promise<AssertionKey[]> {
  const parsed = raw
    ? parseSigningKeys(raw)
    : [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }];
  return Promise.all(
    parsed.map(async ({ privateKey, kid, alg }) => {
      const algorithm = algorithmFor(privateKey, alg);
      const exported = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
      const keyId = kid ?? (await calculateJwkThumbprint(exported, 'sha256'));
      return {
        privateKey,
        alg: algorithm,
        kid: keyId,
        publicJwk: { ...exported, kid: keyId, alg: algorithm, use: 'sig' },
      };
    }),
  );
}
