/**
 * The two-level key hierarchy as a device sees it: a root key it trusts signs certificates for online signing keys
 * and revocation lists. These checks decide whether a signing key may be believed; they never touch the network.
 */
import type { PublicJwk, RevocationListClaims, SigningKeyCertificateClaims } from '../domain/packages/signing';
import { decodeJws, jwsTypes, parseJsonBytes, verifyJwsSignature, type DecodedJws, type JwsType } from './jws';
import { isNonEmptyString, isNonNegativeInteger, isPublicJwk, isRecord, parseTimestamp } from './json-shape';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface RootSigned<Claims> {
  jws: DecodedJws;
  claims: Claims;
}

/** Decodes a certificate and checks the shape of its claims; says nothing yet about who signed it. */
export function decodeCertificate(certificate: string): Checked<RootSigned<SigningKeyCertificateClaims>> {
  return decodeRootSigned(certificate, jwsTypes.certificate, 'certificate', certificateClaimsProblem);
}

export function decodeRevocationList(list: string): Checked<RootSigned<RevocationListClaims>> {
  return decodeRootSigned(list, jwsTypes.revocationList, 'revocation list', revocationClaimsProblem);
}

/** The trusted root whose key id the document names and whose signature it carries, or why there is none. */
export function checkRootSignature(jws: DecodedJws, trustedRoots: readonly PublicJwk[], what: string): Checked<PublicJwk> {
  const root = trustedRoots.find((candidate) => candidate.kid === jws.header.kid);
  if (!root) return { ok: false, reason: `the ${what} is signed by key ${jws.header.kid}, which is not a trusted root` };
  if (!verifyJwsSignature(jws, root)) return { ok: false, reason: `the ${what}'s signature does not verify with trusted root ${root.kid}` };
  return { ok: true, value: root };
}

/** Why a certificate does not hold at `now` (epoch ms), or undefined when it is in [notBefore, notAfter). */
export function certificateValidityProblem(claims: SigningKeyCertificateClaims, now: number): string | undefined {
  // The shape check guarantees both parse.
  const notBefore = parseTimestamp(claims.notBefore) ?? Number.NaN;
  const notAfter = parseTimestamp(claims.notAfter) ?? Number.NaN;
  if (!(now >= notBefore)) return `the certificate of key ${claims.kid} is not valid before ${claims.notBefore}`;
  if (!(now < notAfter)) return `the certificate of key ${claims.kid} expired at ${claims.notAfter}`;
  return undefined;
}

/** Decodes a certificate and checks that a trusted root signed it, whatever the time. */
export function verifyCertificateSignature(certificate: string, trustedRoots: readonly PublicJwk[]): Checked<SigningKeyCertificateClaims> {
  const decoded = decodeCertificate(certificate);
  if (!decoded.ok) return decoded;
  const signed = checkRootSignature(decoded.value.jws, trustedRoots, 'certificate');
  return signed.ok ? { ok: true, value: decoded.value.claims } : signed;
}

/** Decodes a certificate and checks that a trusted root signed it and that it holds at `now` (epoch ms). */
export function verifyCertificate(certificate: string, trustedRoots: readonly PublicJwk[], now: number): Checked<SigningKeyCertificateClaims> {
  const verified = verifyCertificateSignature(certificate, trustedRoots);
  if (!verified.ok) return verified;
  const problem = certificateValidityProblem(verified.value, now);
  return problem ? { ok: false, reason: problem } : verified;
}

/** Decodes a revocation list and checks that a trusted root signed it. */
export function verifyRevocationList(list: string, trustedRoots: readonly PublicJwk[]): Checked<RevocationListClaims> {
  const decoded = decodeRevocationList(list);
  if (!decoded.ok) return decoded;
  const signed = checkRootSignature(decoded.value.jws, trustedRoots, 'revocation list');
  return signed.ok ? { ok: true, value: decoded.value.claims } : signed;
}

function decodeRootSigned<Claims>(
  compact: string,
  typ: JwsType,
  what: string,
  claimsProblem: (claims: Record<string, unknown>) => string | undefined,
): Checked<RootSigned<Claims>> {
  const decoded = decodeJws(compact);
  if (!decoded.ok) return { ok: false, reason: `the ${what} is not a valid JWS: ${decoded.reason}` };
  const { jws } = decoded;
  if (jws.header.typ !== typ) return { ok: false, reason: `the ${what} has JWS type ${jws.header.typ}, expected ${typ}` };
  const claims = parseJsonBytes(jws.payload);
  if (!isRecord(claims)) return { ok: false, reason: `the ${what}'s payload is not a JSON object` };
  const problem = claimsProblem(claims);
  if (problem) return { ok: false, reason: `the ${what} ${problem}` };
  return { ok: true, value: { jws, claims: claims as Claims } };
}

function certificateClaimsProblem(claims: Record<string, unknown>): string | undefined {
  if (!isNonEmptyString(claims.kid)) return 'names no key id (kid)';
  if (!isPublicJwk(claims.jwk)) return 'holds no P-256 public key (jwk)';
  if (claims.jwk.kid !== claims.kid) return `certifies key ${claims.kid} with a JWK whose kid is ${claims.jwk.kid}`;
  for (const field of ['notBefore', 'notAfter', 'issuedAt'] as const) {
    if (parseTimestamp(claims[field]) === undefined) return `has no RFC 3339 ${field}`;
  }
  return undefined;
}

function revocationClaimsProblem(claims: Record<string, unknown>): string | undefined {
  if (!isNonNegativeInteger(claims.serial)) return 'has no serial number';
  if (!Array.isArray(claims.revokedKids) || !claims.revokedKids.every(isNonEmptyString)) return 'has no list of revoked key ids';
  if (parseTimestamp(claims.issuedAt) === undefined) return 'has no RFC 3339 issuedAt';
  return undefined;
}
