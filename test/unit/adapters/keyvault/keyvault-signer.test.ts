import { createHash } from 'node:crypto';
import { KeyVaultSigner, type KeyVaultSignClient } from '../../../../adapters/keyvault/keyvault-signer';
import { generateEs256Key, publicJwkOf } from '../../../../adapters/signing/ec-keys';
import { issueCertificate } from '../../../../adapters/signing/root-documents';
import { signManifest } from '../../../../adapters/signing/sign-manifest';
import { verifyUpdatePackage } from '../../../../device-agent/verify-update';
import { daysFromNow, files, makeRoot, manifestFor, now } from '../../device-agent/update-package-fixture';
import { signDigest } from './prehashed-ecdsa';

describe('KeyVaultSigner', () => {
  const root = makeRoot();
  const vaultKey = generateEs256Key();
  const digests: Uint8Array[] = [];
  // Stands in for CryptographyClient: like Key Vault, it signs the digest it is given without hashing it again.
  const vault: KeyVaultSignClient = {
    async sign(algorithm, digest) {
      if (algorithm !== 'ES256') throw new Error(`unexpected ${algorithm}`);
      digests.push(digest);
      return { result: signDigest(vaultKey, digest) };
    },
  };

  it('signs manifests that devices verify, naming the key by its certified thumbprint', async () => {
    const certificate = await issueCertificate(root.key, publicJwkOf(vaultKey), { notBefore: daysFromNow(-1), notAfter: daysFromNow(90) }, now);
    const signer = new KeyVaultSigner(vault, certificate);
    expect(signer.keyId).toBe(publicJwkOf(vaultKey).kid);

    const signedManifest = await signManifest(manifestFor(signer.keyId), signer);
    const signingInput = signedManifest.slice(0, signedManifest.lastIndexOf('.'));
    expect(Buffer.from(digests.at(-1) ?? [])).toEqual(createHash('sha256').update(signingInput).digest());

    const verdict = verifyUpdatePackage({
      signedManifest,
      trustedRoots: [root.jwk],
      device: { model: 'ctl-a', installed: { bootloader: { version: '1.4.0', releaseCounter: 1 } } },
      files: { ...files },
      now: now.toISOString(),
    });
    expect(verdict).toMatchObject({ ok: true });
  });

  it('refuses a signature that is not raw r‖s', async () => {
    const certificate = await issueCertificate(root.key, publicJwkOf(vaultKey), { notBefore: daysFromNow(-1), notAfter: daysFromNow(90) }, now);
    const der: KeyVaultSignClient = { sign: async () => ({ result: new Uint8Array(71) }) };
    await expect(new KeyVaultSigner(der, certificate).sign(new Uint8Array([1]))).rejects.toThrow(/expected 64 \(r‖s\)/);
  });
});
