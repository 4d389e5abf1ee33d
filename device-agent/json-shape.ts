/**
 * Shape checks for JSON that arrives from outside (signed payloads, device input). Signed does not mean well
 * formed: a verifier that indexes into unchecked JSON can be made to throw, or worse, to compare `undefined`s.
 */
import type { PublicJwk } from '../domain/packages/signing';
import { decodeBase64url } from '../common/base64url';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((item) => typeof item === 'string');
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an RFC 3339 timestamp (with its offset), or undefined. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || !rfc3339.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

/** A P-256 public key as JWK: both coordinates exactly 32 bytes of base64url. */
export function isPublicJwk(value: unknown): value is PublicJwk {
  if (!isRecord(value) || value.kty !== 'EC' || value.crv !== 'P-256' || !isNonEmptyString(value.kid)) return false;
  return [value.x, value.y].every((coordinate) => typeof coordinate === 'string' && decodeBase64url(coordinate)?.byteLength === 32);
}
