/**
 * Compact JWS (RFC 7515) with ES256 only: the one format for signed manifests, signing-key certificates and
 * revocation lists. Signing takes a `sign(bytes) => raw r‖s` function so the key can live anywhere (a key file,
 * Key Vault); verification needs only node:crypto and a public JWK, so it runs on a device.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { PublicJwk } from '../domain/packages/signing';
import { decodeBase64url, encodeBase64url } from '../common/base64url';
import { canonicalJsonBytes } from '../common/canonical-json';

/** `typ` values: a document signed as one kind can never be accepted as another. */
export const jwsTypes = {
  manifest: 'ota-manifest+jws',
  certificate: 'ota-key-certificate+jws',
  revocationList: 'ota-revocation-list+jws',
} as const;
export type JwsType = (typeof jwsTypes)[keyof typeof jwsTypes];

export interface JwsHeader {
  alg: 'ES256';
  kid: string;
  typ: JwsType;
  /** Manifests only: the root-signed certificate (compact JWS) of the key that signed. */
  'x-cert'?: string;
}

/** ES256: ECDSA P-256 over SHA-256 of `data`, returning the raw 64-byte r‖s signature. */
export type RawSigner = (data: Uint8Array) => Promise<Uint8Array> | Uint8Array;

export interface DecodedJws {
  header: JwsHeader;
  payload: Uint8Array;
  /** The ASCII bytes `header.payload` the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

export type DecodeResult = { ok: true; jws: DecodedJws } | { ok: false; reason: string };

const ascii = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const es256SignatureBytes = 64;

export async function createJws(header: Omit<JwsHeader, 'alg'>, payload: Uint8Array, sign: RawSigner): Promise<string> {
  const encodedHeader = encodeBase64url(canonicalJsonBytes({ ...header, alg: 'ES256' }));
  const signingInput = `${encodedHeader}.${encodeBase64url(payload)}`;
  const signature = await sign(ascii.encode(signingInput));
  if (signature.byteLength !== es256SignatureBytes) {
    throw new Error(`ES256 signer returned ${signature.byteLength} bytes; expected a raw r‖s signature of 64 bytes`);
  }
  return `${signingInput}.${encodeBase64url(signature)}`;
}

/** Splits and decodes a compact JWS and checks its header; says what is wrong instead of throwing. */
export function decodeJws(compact: string): DecodeResult {
  const parts = compact.split('.');
  if (parts.length !== 3) return { ok: false, reason: `a compact JWS has 3 dot-separated parts, this has ${parts.length}` };
  const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = parts;
  const headerBytes = decodeBase64url(encodedHeader);
  const payload = decodeBase64url(encodedPayload);
  const signature = decodeBase64url(encodedSignature);
  if (!headerBytes || !payload || !signature) return { ok: false, reason: 'a JWS part is not valid base64url' };
  const header = parseHeader(headerBytes);
  if (typeof header === 'string') return { ok: false, reason: header };
  if (signature.byteLength !== es256SignatureBytes) {
    return { ok: false, reason: `an ES256 signature has 64 bytes, this one has ${signature.byteLength}` };
  }
  return { ok: true, jws: { header, payload, signingInput: ascii.encode(`${encodedHeader}.${encodedPayload}`), signature } };
}

/** True when `jws` was signed by the private half of `jwk`; a key node:crypto cannot import verifies nothing. */
export function verifyJwsSignature(jws: DecodedJws, jwk: PublicJwk): boolean {
  try {
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
    return verify('sha256', jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
  } catch {
    return false;
  }
}

/** Parses a JSON payload (or header), returning undefined for anything that is not UTF-8 JSON. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8Strict.decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

function parseHeader(bytes: Uint8Array): JwsHeader | string {
  const header = parseJsonBytes(bytes);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return 'the JWS header is not a JSON object';
  const fields = header as Record<string, unknown>;
  // Only ES256: accepting the header's word for the algorithm is how "alg: none" attacks work.
  if (fields.alg !== 'ES256') return `the JWS algorithm is ${JSON.stringify(fields.alg)}, only "ES256" is accepted`;
  if (typeof fields.kid !== 'string' || fields.kid === '') return 'the JWS header has no key id (kid)';
  if (!Object.values<unknown>(jwsTypes).includes(fields.typ)) return `the JWS type ${JSON.stringify(fields.typ)} is not one of ours`;
  if (fields['x-cert'] !== undefined && typeof fields['x-cert'] !== 'string') return 'the JWS header x-cert is not a string';
  // RFC 7515: a recipient must refuse critical extensions it does not understand, and we understand none.
  if (fields.crit !== undefined) return 'the JWS header has critical extensions (crit), none are supported';
  return fields as unknown as JwsHeader;
}
