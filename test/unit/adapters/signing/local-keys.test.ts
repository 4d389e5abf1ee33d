import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PublicJwk } from '../../../../domain/packages/signing';
import { verifyUpdatePackage } from '../../../../device-agent/verify-update';
import { ensureLocalKeys } from '../../../../adapters/signing/local-keys';
import { loadLocalKeySigner } from '../../../../adapters/signing/local-key-signer';
import { daysFromNow, now, validInput } from '../../device-agent/update-package-fixture';

describe('ensureLocalKeys', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ota-local-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const signerFrom = (paths: { privateKey: string; certificate: string }) =>
    loadLocalKeySigner({ privateKeyPath: paths.privateKey, certificatePath: paths.certificate });

  it('creates a root and a certified signing key once, so the local stack signs with no manual step', async () => {
    const paths = await ensureLocalKeys(dir, now);
    const signer = await signerFrom(paths);
    const root = JSON.parse(await readFile(paths.rootPublicJwk, 'utf8')) as PublicJwk;
    expect(verifyUpdatePackage(await validInput({ jwk: root }, signer)).ok).toBe(true);

    const again = await ensureLocalKeys(dir, now);
    expect(again).toEqual(paths);
    expect((await signerFrom(again)).keyId).toBe(signer.keyId);
    expect(paths.revocationList).toBe(path.join(dir, 'revocation-list.jws'));
    expect(paths.retiredCertificates).toEqual([]);
  });

  it('is safe when two processes start at once: both end up with the same keys', async () => {
    const [a, b] = await Promise.all([ensureLocalKeys(dir, now), ensureLocalKeys(dir, now)]);
    expect((await signerFrom(a)).keyId).toBe((await signerFrom(b)).keyId);
    expect(await readFile(a.rootPublicJwk, 'utf8')).toBe(await readFile(b.rootPublicJwk, 'utf8'));
  });

  it('rotates a signing key close to the end of its certificate, keeping the root and the retired certificate', async () => {
    const first = await ensureLocalKeys(dir, now);
    const firstSigner = await signerFrom(first);
    const root = await readFile(first.rootPublicJwk, 'utf8');

    const later = await ensureLocalKeys(dir, daysFromNow(3650 - 10));
    const laterSigner = await signerFrom(later);
    expect(laterSigner.keyId).not.toBe(firstSigner.keyId);
    expect(await readFile(later.rootPublicJwk, 'utf8')).toBe(root);
    expect(later.retiredCertificates).toEqual([path.join(dir, 'retired', firstSigner.keyId, 'signing-certificate.jws')]);
    expect((await readFile(later.retiredCertificates[0] ?? '', 'utf8')).trim()).toBe(firstSigner.certificate);
  });
});
