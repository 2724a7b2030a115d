/**
 * The base of the emulator's own errors. The emulator imports nothing from the product, so it has
 * its own root on the product's pattern (`src/errors/base.ts`): a `code` from one closed union, the
 * original as `cause`.
 *
 * @module
 */

/**
 * The codes of the emulator's errors (closed): `ERR_EMULATOR_LOGIN` (`LoginError`),
 * `ERR_EMULATOR_PARTNER_TOKEN` (`PartnerTokenError`), `ERR_EMULATOR_TOKEN_LIMIT` (`TokenLimitError`).
 */
export type EmulatorErrorCode =
  'ERR_EMULATOR_LOGIN' | 'ERR_EMULATOR_PARTNER_TOKEN' | 'ERR_EMULATOR_TOKEN_LIMIT';

/** The base of the emulator's errors: a `code` from {@link EmulatorErrorCode}, the original as `cause`. */
export abstract class EmulatorError<
  Code extends EmulatorErrorCode = EmulatorErrorCode,
> extends Error {
  /** The stable code of this error. */
  abstract readonly code: Code;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
