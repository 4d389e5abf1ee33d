import { canonicalJsonBytes } from '../../../common/canonical-json';
import { decodeBase64url, encodeBase64url } from '../../../common/base64url';
import { createJws, jwsTypes } from '../../../device-agent/jws';
import { verifyFileAgainstManifest, verifySignedManifest, verifyUpdatePackage, type VerifyUpdateInput } from '../../../device-agent/verify-update';
import { es256Signer, generateEs256Key, publicJwkOf } from '../../../adapters/signing/ec-keys';
import { LocalKeySigner } from '../../../adapters/signing/local-key-signer';
import { daysFromNow, files, makeRoot, makeSigner, manifestFor, now, revocationList, validInput, type Root } from './update-package-fixture';

function expectRefused(input: VerifyUpdateInput, code: string, reason: RegExp): void {
  const verdict = verifyUpdatePackage(input);
  expect(verdict).toEqual({ ok: false, code, reason: expect.stringMatching(reason) });
}

/** Replaces the payload of a compact JWS and keeps the original header and signature. */
function withPayload(jws: string, edit: (manifest: Record<string, unknown>) => void): string {
  const [header = '', payload = '', signature = ''] = jws.split('.');
  const manifest = JSON.parse(Buffer.from(decodeBase64url(payload) ?? []).toString('utf8')) as Record<string, unknown>;
  edit(manifest);
  return [header, encodeBase64url(canonicalJsonBytes(manifest)), signature].join('.');
}

describe('verifyUpdatePackage', () => {
  let root: Root;
  let signer: LocalKeySigner;

  beforeAll(async () => {
    root = makeRoot();
    signer = await makeSigner(root);
  });

  it('accepts a package signed by a certified key, for this device, newer than what it runs, with the signed files', async () => {
    const verdict = verifyUpdatePackage(await validInput(root, signer));
    expect(verdict.ok).toBe(true);
    expect(verdict.ok && verdict.manifest.updateId.version).toBe('2.1.0');
  });

  it('refuses a manifest altered after signing (bad-signature)', async () => {
    const input = await validInput(root, signer);
    input.signedManifest = withPayload(input.signedManifest, (manifest) => {
      manifest.releaseCounter = 99;
    });
    expectRefused(input, 'bad-signature', /does not verify with certified key .*altered after signing/);
  });

  it('refuses a manifest whose header names another key than its certificate (unknown-key)', async () => {
    const input = await validInput(root, signer);
    input.signedManifest = await createJws(
      { kid: 'someone-else', typ: jwsTypes.manifest, 'x-cert': signer.certificate },
      canonicalJsonBytes(manifestFor(signer.keyId)),
      (data) => signer.sign(data),
    );
    expectRefused(input, 'unknown-key', new RegExp(`names signing key someone-else, but its certificate is for key ${signer.keyId}`));
  });

  it('refuses a key certified by a root the device does not trust (untrusted-certificate)', async () => {
    const otherRoot = makeRoot();
    const input = await validInput(otherRoot, await makeSigner(otherRoot));
    input.trustedRoots = [root.jwk];
    expectRefused(input, 'untrusted-certificate', new RegExp(`signed by key ${otherRoot.jwk.kid}, which is not a trusted root`));
  });

  it('refuses a certificate whose signature was forged with the right root kid (untrusted-certificate)', async () => {
    const impostor = makeRoot();
    const key = generateEs256Key();
    // The header names the trusted root's kid, but the signature is the impostor's.
    const certificate = await createJws(
      { kid: root.jwk.kid, typ: jwsTypes.certificate },
      canonicalJsonBytes({ kid: publicJwkOf(key).kid, jwk: publicJwkOf(key), notBefore: daysFromNow(-1).toISOString(), notAfter: daysFromNow(90).toISOString(), issuedAt: now.toISOString() }),
      es256Signer(impostor.key),
    );
    const input = await validInput(root, new LocalKeySigner(key, certificate));
    expectRefused(input, 'untrusted-certificate', new RegExp(`signature does not verify with trusted root ${root.jwk.kid}`));
  });

  it.each([
    ['not yet valid', { notBefore: daysFromNow(1), notAfter: daysFromNow(90) }, /is not valid before/],
    ['expired', { notBefore: daysFromNow(-90), notAfter: daysFromNow(-1) }, /expired at/],
  ])('refuses a key whose certificate is %s (untrusted-certificate)', async (_label, validity, reason) => {
    const shortLived = await makeSigner(root, validity);
    const input = await validInput(root, signer);
    input.signedManifest = await createJws(
      { kid: shortLived.keyId, typ: jwsTypes.manifest, 'x-cert': shortLived.certificate },
      canonicalJsonBytes(manifestFor(shortLived.keyId)),
      (data) => shortLived.sign(data),
    );
    expectRefused(input, 'untrusted-certificate', reason);
  });

  it('refuses a key revoked by a list the trusted root signed (revoked-key)', async () => {
    const input = await validInput(root, signer);
    input.revocationList = await revocationList(root, { serial: 3, revokedKids: ['old-key', signer.keyId] });
    expectRefused(input, 'revoked-key', new RegExp(`signing key ${signer.keyId} is revoked by revocation list 3`));
  });

  it('ignores a revocation list that no trusted root signed: it cannot revoke anything', async () => {
    const input = await validInput(root, signer);
    input.revocationList = await revocationList(makeRoot(), { revokedKids: [signer.keyId] });
    expect(verifyUpdatePackage(input).ok).toBe(true);
  });

  it('refuses an expired manifest (expired), even one otherwise perfect', async () => {
    const input = await validInput(root, signer, { expiresAt: daysFromNow(2).toISOString() });
    input.now = daysFromNow(2).toISOString();
    expectRefused(input, 'expired', new RegExp(`expired at ${daysFromNow(2).toISOString()}`));
  });

  it.each([
    ['a lower release counter', { 'line-controller': { version: '2.0.0', releaseCounter: 8 } }, /release counter 7 of line-controller is not above the installed 8/],
    ['the same release counter', { 'line-controller': { version: '2.0.0', releaseCounter: 7 } }, /release counter 7 of line-controller is not above the installed 7/],
    ['a version that is not newer', { 'line-controller': { version: '2.1.0', releaseCounter: 1 } }, /version 2.1.0 of line-controller is not above the installed 2.1.0/],
  ])('refuses a downgrade: %s (downgrade)', async (_label, installed, reason) => {
    const input = await validInput(root, signer);
    input.device.installed = { ...input.device.installed, ...installed };
    expectRefused(input, 'downgrade', reason);
  });

  it('refuses an update for another model (incompatible)', async () => {
    const input = await validInput(root, signer);
    input.device.model = 'ctl-z';
    expectRefused(input, 'incompatible', /device model ctl-z matches none of the compatibility sets/);
  });

  it('matches a compatibility set on the model plus the other device properties', async () => {
    const input = await validInput(root, signer);
    input.device = { ...input.device, model: 'ctl-b', properties: { region: 'us' } };
    expectRefused(input, 'incompatible', /ctl-b/);
    input.device.properties = { region: 'eu', model: 'stale' };
    expect(verifyUpdatePackage(input).ok).toBe(true);
  });

  it('refuses an update whose prerequisites are missing or too old (missing-prerequisite)', async () => {
    const input = await validInput(root, signer, { prerequisites: [{ name: 'bootloader', minVersion: '1.10.0' }, { name: 'runtime', minVersion: '3.0.0' }] });
    expectRefused(input, 'missing-prerequisite', /bootloader ≥ 1.10.0 \(installed: 1.5.0\), runtime ≥ 3.0.0 \(installed: none\)/);
  });

  it('refuses a swapped file: the bytes of another file of the same size (file-mismatch)', async () => {
    const input = await validInput(root, signer);
    input.files['firmware.bin'] = files['config.json'] ?? new Uint8Array();
    expectRefused(input, 'file-mismatch', /file firmware.bin has SHA-256 .*, the signed manifest says .*swapped/);
  });

  it.each([
    ['missing', (f: Record<string, Uint8Array>) => delete f['config.json'], /file config.json listed in the signed manifest is missing/],
    ['truncated', (f: Record<string, Uint8Array>) => (f['config.json'] = new Uint8Array(10)), /file config.json has 10 bytes, the signed manifest says 880/],
    ['unsigned extra', (f: Record<string, Uint8Array>) => (f['payload.sh'] = new Uint8Array(1)), /file payload.sh is not listed in the signed manifest/],
  ])('refuses a %s file (file-mismatch)', async (_label, tamper, reason) => {
    const input = await validInput(root, signer);
    tamper(input.files);
    expectRefused(input, 'file-mismatch', reason);
  });

  it('accepts a manifest signed by a newly certified key with the same trusted root (key rotation)', async () => {
    const rotated = await makeSigner(root);
    expect(rotated.keyId).not.toBe(signer.keyId);
    const input = await validInput(root, rotated);
    input.revocationList = await revocationList(root, { revokedKids: [signer.keyId] });
    expect(verifyUpdatePackage(input).ok).toBe(true);
  });

  it.each([
    ['not a JWS', 'garbage', /not a valid JWS: a compact JWS has 3 dot-separated parts/],
    ['alg none', `${encodeBase64url(canonicalJsonBytes({ alg: 'none', kid: 'k', typ: jwsTypes.manifest }))}.e30.`, /only "ES256" is accepted/],
  ])('refuses a malformed signed manifest: %s (malformed)', async (_label, signedManifest, reason) => {
    const input = await validInput(root, signer);
    input.signedManifest = signedManifest;
    expectRefused(input, 'malformed', reason);
  });

  it('refuses a certificate passed off as a manifest (malformed): types are not interchangeable', async () => {
    const input = await validInput(root, signer);
    input.signedManifest = signer.certificate;
    expectRefused(input, 'malformed', /has JWS type ota-key-certificate\+jws, expected ota-manifest\+jws/);
  });

  it('checks in a fixed order: an expired downgrade for another model is refused as expired', async () => {
    const input = await validInput(root, signer);
    input.now = daysFromNow(31).toISOString();
    input.device.model = 'ctl-z';
    input.device.installed['line-controller'] = { version: '3.0.0', releaseCounter: 9 };
    expectRefused(input, 'expired', /expired at/);
  });

  it('verifies a manifest before any file is downloaded', async () => {
    const { files: _files, ...input } = await validInput(root, signer);
    expect(verifySignedManifest(input).ok).toBe(true);
  });
});

describe('verifyFileAgainstManifest', () => {
  it('accepts the output of a delta only when it equals the signed full file', async () => {
    const root = makeRoot();
    const signer = await makeSigner(root);
    const verdict = verifyUpdatePackage(await validInput(root, signer));
    if (!verdict.ok) throw new Error(verdict.reason);
    const full = files['firmware.bin'] ?? new Uint8Array();
    expect(verifyFileAgainstManifest(verdict.manifest, 'firmware.bin', full)).toEqual({ ok: true });
    const badDeltaOutput = Uint8Array.from(full, (byte, i) => (i === 100 ? byte ^ 1 : byte));
    expect(verifyFileAgainstManifest(verdict.manifest, 'firmware.bin', badDeltaOutput)).toMatchObject({ ok: false, code: 'file-mismatch' });
  });
});
