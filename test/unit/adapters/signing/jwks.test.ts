import { buildJwks } from '../../../../adapters/signing/jwks';
import { daysFromNow, makeRoot, makeSigner, now, revocationList } from '../../device-agent/update-package-fixture';

describe('buildJwks', () => {
  it('publishes every certified key with its certificate and whether it is active, retired or revoked', async () => {
    const root = makeRoot();
    const active = await makeSigner(root);
    const previous = await makeSigner(root);
    const expired = await makeSigner(root, { notBefore: daysFromNow(-100), notAfter: daysFromNow(-10) });
    const revoked = await makeSigner(root);
    const list = await revocationList(root, { serial: 4, revokedKids: [revoked.keyId] });

    const jwks = buildJwks({
      certificates: [active, previous, expired, revoked, active].map((signer) => signer.certificate),
      revocationList: list,
      roots: [root.jwk],
      activeKid: active.keyId,
      now,
    });

    expect(jwks.roots).toEqual([root.jwk]);
    expect(jwks.revocationList).toBe(list);
    expect(jwks.keys.map(({ kid, status }) => [kid, status])).toEqual([
      [active.keyId, 'active'],
      [previous.keyId, 'retired'],
      [expired.keyId, 'retired'],
      [revoked.keyId, 'revoked'],
    ]);
    expect(jwks.keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: active.keyId, use: 'sig', alg: 'ES256', 'x-cert': active.certificate, status: 'active' });
  });

  it('refuses to publish a certificate or a revocation list that none of the roots signed', async () => {
    const root = makeRoot();
    const stranger = makeRoot();
    const foreign = await makeSigner(stranger);
    expect(() => buildJwks({ certificates: [foreign.certificate], roots: [root.jwk], now })).toThrow(/not a trusted root/);
    const list = await revocationList(stranger, {});
    expect(() => buildJwks({ certificates: [], revocationList: list, roots: [root.jwk], now })).toThrow(/revocation list/);
  });
});
