/**
 * The document behind `GET /api/signing-keys`: every certified signing key with its certificate and status, the
 * current revocation list and the roots. Anyone can check a signed manifest with it; devices need only the roots,
 * since each manifest carries its own certificate.
 */
import type { PublicJwk, SigningKeyCertificateClaims } from '../../domain/packages/signing';
import { certificateValidityProblem, verifyCertificateSignature, verifyRevocationList } from '../../device-agent/key-chain';

export type SigningKeyStatus = 'active' | 'retired' | 'revoked';

export interface SigningKeyEntry extends PublicJwk {
  use: 'sig';
  alg: 'ES256';
  'x-cert': string;
  status: SigningKeyStatus;
}

export interface SigningKeysDocument {
  keys: SigningKeyEntry[];
  revocationList?: string;
  roots: PublicJwk[];
}

export interface JwksInput {
  /** Root-signed certificates (compact JWS) of current and earlier signing keys. */
  certificates: string[];
  revocationList?: string;
  roots: PublicJwk[];
  /** The key the service signs with now; without it every valid, unrevoked key counts as active. */
  activeKid?: string;
  now: Date;
}

/** Throws on a certificate or list that no given root signed: publishing it would only mislead. */
export function buildJwks(input: JwksInput): SigningKeysDocument {
  const revoked = new Set<string>();
  if (input.revocationList !== undefined) {
    const list = verifyRevocationList(input.revocationList, input.roots);
    if (!list.ok) throw new Error(`revocation list: ${list.reason}`);
    list.value.revokedKids.forEach((kid) => revoked.add(kid));
  }

  const keys = new Map<string, SigningKeyEntry>();
  for (const certificate of input.certificates) {
    const verified = verifyCertificateSignature(certificate, input.roots);
    if (!verified.ok) throw new Error(`certificate: ${verified.reason}`);
    const claims = verified.value;
    // The same key listed twice (e.g. current and retired copies) is published once.
    if (keys.has(claims.kid)) continue;
    keys.set(claims.kid, { ...claims.jwk, use: 'sig', alg: 'ES256', 'x-cert': certificate, status: statusOf(claims, revoked, input) });
  }

  return {
    keys: [...keys.values()],
    ...(input.revocationList !== undefined && { revocationList: input.revocationList }),
    roots: input.roots,
  };
}

function statusOf(claims: SigningKeyCertificateClaims, revoked: Set<string>, input: JwksInput): SigningKeyStatus {
  if (revoked.has(claims.kid)) return 'revoked';
  // Outside its validity (expired, or not yet started) no device accepts the key, so it does not count as active.
  const valid = certificateValidityProblem(claims, input.now.getTime()) === undefined;
  return valid && (input.activeKid === undefined || input.activeKid === claims.kid) ? 'active' : 'retired';
}
