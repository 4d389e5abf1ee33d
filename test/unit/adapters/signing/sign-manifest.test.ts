import { canonicalJson } from '../../../../common/canonical-json';
import { decodeJws } from '../../../../device-agent/jws';
import type { ManifestSigner } from '../../../../domain/packages/signing';
import { generateEs256Key, publicJwkOf } from '../../../../adapters/signing/ec-keys';
import { LocalKeySigner } from '../../../../adapters/signing/local-key-signer';
import { issueCertificate } from '../../../../adapters/signing/root-documents';
import { signManifest } from '../../../../adapters/signing/sign-manifest';
import { daysFromNow, makeRoot, makeSigner, manifestFor, now } from '../../device-agent/update-package-fixture';

describe('signManifest', () => {
  const root = makeRoot();

  it('signs the canonical JSON of the manifest, with the key id and certificate in the header', async () => {
    const signer = await makeSigner(root);
    const manifest = manifestFor(signer.keyId);
    const decoded = decodeJws(await signManifest(manifest, signer));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.jws.header).toEqual({ alg: 'ES256', kid: signer.keyId, typ: 'ota-manifest+jws', 'x-cert': signer.certificate });
    expect(Buffer.from(decoded.jws.payload).toString('utf8')).toBe(canonicalJson(manifest));
  });

  it('refuses a manifest that would outlive the certificate of its key', async () => {
    const signer = await makeSigner(root, { notBefore: daysFromNow(-1), notAfter: daysFromNow(10) });
    await expect(signManifest(manifestFor(signer.keyId), signer)).rejects.toThrow(/after the signing key's certificate ends/);
  });

  it('refuses provenance naming another signer', async () => {
    const signer = await makeSigner(root);
    await expect(signManifest(manifestFor('other-key'), signer)).rejects.toThrow(/provenance names signer other-key/);
  });

  it('refuses a manifest that devices would call malformed', async () => {
    const signer = await makeSigner(root);
    const manifest = manifestFor(signer.keyId, { updateId: { provider: 'contoso', name: 'line-controller', version: 'latest' } });
    await expect(signManifest(manifest, signer)).rejects.toThrow(/version "latest", which is not semver/);
  });

  it('notices a signer whose key is not the certified one before anything is published', async () => {
    const certified = await makeSigner(root);
    const wrongKey = generateEs256Key();
    const misconfigured: ManifestSigner = {
      keyId: certified.keyId,
      certificate: certified.certificate,
      sign: async (data) => new LocalKeySigner(wrongKey, await issueCertificate(root.key, publicJwkOf(wrongKey), { notBefore: now, notAfter: daysFromNow(90) }, now)).sign(data),
    };
    await expect(signManifest(manifestFor(certified.keyId), misconfigured)).rejects.toThrow(/certified public key does not verify/);
  });
});

describe('LocalKeySigner', () => {
  it('refuses a certificate for another key', async () => {
    const root = makeRoot();
    const other = await makeSigner(root);
    expect(() => new LocalKeySigner(generateEs256Key(), other.certificate)).toThrow(/is not the key .* its certificate is for/);
  });
});
