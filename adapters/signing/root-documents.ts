/**
 * What only the offline root key signs: certificates for online signing keys and revocation lists. Both are
 * compact ES256 JWS over canonical JSON, with a `typ` that keeps one from passing for the other.
 */
import type { KeyObject } from 'node:crypto';
import type { PublicJwk, RevocationListClaims, SigningKeyCertificateClaims } from '../../domain/packages/signing';
import { canonicalJsonBytes } from '../../common/canonical-json';
import { createJws, jwsTypes } from '../../device-agent/jws';
import { es256Signer, publicJwkOf } from './ec-keys';

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export async function issueCertificate(root: KeyObject, jwk: PublicJwk, validity: Validity, issuedAt: Date): Promise<string> {
  if (!(validity.notBefore < validity.notAfter)) throw new Error('a certificate needs notBefore before notAfter');
  const claims: SigningKeyCertificateClaims = {
    kid: jwk.kid,
    jwk,
    notBefore: validity.notBefore.toISOString(),
    notAfter: validity.notAfter.toISOString(),
    issuedAt: issuedAt.toISOString(),
  };
  return createJws({ kid: publicJwkOf(root).kid, typ: jwsTypes.certificate }, canonicalJsonBytes(claims), es256Signer(root));
}

export async function issueRevocationList(root: KeyObject, claims: RevocationListClaims): Promise<string> {
  return createJws({ kid: publicJwkOf(root).kid, typ: jwsTypes.revocationList }, canonicalJsonBytes(claims), es256Signer(root));
}
