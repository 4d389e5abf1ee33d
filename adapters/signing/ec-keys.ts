/**
 * P-256 keys for ES256 with node:crypto: generation, PEM files, public JWKs whose key id is the RFC 7638
 * thumbprint (so a kid names exactly one key, wherever it lives), and a raw r‖s signer.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { PublicJwk } from '../../domain/packages/signing';
import { canonicalJson } from '../../common/canonical-json';
import { encodeBase64url } from '../../common/base64url';
import type { RawSigner } from '../../device-agent/jws';

export function generateEs256Key(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace — which is canonical JSON. */
export function jwkThumbprint(jwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y'>): string {
  const members = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return encodeBase64url(createHash('sha256').update(canonicalJson(members)).digest());
}

/** The public JWK of a P-256 key (private or public), with its thumbprint as kid. */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error(`expected a P-256 EC key for ES256, got ${jwk.kty ?? 'unknown'} ${jwk.crv ?? ''}`.trim());
  }
  const members = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as const;
  return { ...members, kid: jwkThumbprint(members) };
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function parsePrivateKeyPem(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  publicJwkOf(key); // refuses anything but P-256 here, not at the first signature
  return key;
}

export function es256Signer(privateKey: KeyObject): RawSigner {
  return (data) => new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}
