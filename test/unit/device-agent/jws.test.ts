import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { PublicJwk } from '../../../domain/packages/signing';
import { encodeBase64url } from '../../../common/base64url';
import { createJws, decodeJws, jwsTypes, verifyJwsSignature } from '../../../device-agent/jws';

describe('compact JWS ES256', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const exported = createPublicKey(privateKey).export({ format: 'jwk' });
  const jwk = { kty: 'EC', crv: 'P-256', x: exported.x, y: exported.y, kid: 'k1' } as PublicJwk;
  const rawSign = (data: Uint8Array) => new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  const payload = new TextEncoder().encode('{"hello":"device"}');

  it('round-trips: the header says ES256, the kid and the type; the signature verifies with the public JWK', async () => {
    const jws = await createJws({ kid: 'k1', typ: jwsTypes.manifest, 'x-cert': 'cert' }, payload, rawSign);
    const decoded = decodeJws(jws);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.jws.header).toEqual({ alg: 'ES256', kid: 'k1', typ: jwsTypes.manifest, 'x-cert': 'cert' });
    expect(Buffer.from(decoded.jws.payload).toString()).toBe('{"hello":"device"}');
    expect(verifyJwsSignature(decoded.jws, jwk)).toBe(true);
  });

  it('does not verify with another key, nor with a JWK that is no point on the curve', async () => {
    const decoded = decodeJws(await createJws({ kid: 'k1', typ: jwsTypes.manifest }, payload, rawSign));
    if (!decoded.ok) throw new Error(decoded.reason);
    const other = createPublicKey(createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }))).export({ format: 'jwk' });
    expect(verifyJwsSignature(decoded.jws, { ...jwk, x: other.x ?? '', y: other.y ?? '' })).toBe(false);
    expect(verifyJwsSignature(decoded.jws, { ...jwk, y: jwk.x })).toBe(false);
  });

  it('refuses a signer that returns a DER signature instead of raw r‖s', async () => {
    const derSign = (data: Uint8Array) => new Uint8Array(sign('sha256', data, privateKey));
    await expect(createJws({ kid: 'k1', typ: jwsTypes.manifest }, payload, derSign)).rejects.toThrow(/expected a raw r‖s signature of 64 bytes/);
  });

  it('refuses critical header extensions it does not understand', () => {
    const header = encodeBase64url(new TextEncoder().encode('{"alg":"ES256","crit":["exp"],"exp":1,"kid":"k","typ":"ota-manifest+jws"}'));
    expect(decodeJws(`${header}.e30.${encodeBase64url(new Uint8Array(64))}`)).toEqual({ ok: false, reason: expect.stringMatching(/crit/) });
  });
});
