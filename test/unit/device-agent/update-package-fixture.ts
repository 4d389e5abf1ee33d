/** Builds real signed packages for the verifier tests: a root, certified signing keys, manifests, files. */
import { createHash, type KeyObject } from 'node:crypto';
import type { UpdateManifest } from '../../../domain/packages/manifest';
import type { PublicJwk, RevocationListClaims } from '../../../domain/packages/signing';
import { generateEs256Key, publicJwkOf } from '../../../adapters/signing/ec-keys';
import { LocalKeySigner } from '../../../adapters/signing/local-key-signer';
import { issueCertificate, issueRevocationList } from '../../../adapters/signing/root-documents';
import { signManifest } from '../../../adapters/signing/sign-manifest';
import type { VerifyUpdateInput } from '../../../device-agent/verify-update';

export const now = new Date('2025-06-01T12:00:00Z');
const day = 24 * 60 * 60 * 1000;
export const daysFromNow = (days: number): Date => new Date(now.getTime() + days * day);

export interface Root {
  key: KeyObject;
  jwk: PublicJwk;
}

export function makeRoot(): Root {
  const key = generateEs256Key();
  return { key, jwk: publicJwkOf(key) };
}

export async function makeSigner(root: Root, validity = { notBefore: daysFromNow(-1), notAfter: daysFromNow(90) }): Promise<LocalKeySigner> {
  const key = generateEs256Key();
  return new LocalKeySigner(key, await issueCertificate(root.key, publicJwkOf(key), validity, now));
}

export function revocationList(root: Root, claims: Partial<RevocationListClaims>): Promise<string> {
  return issueRevocationList(root.key, { serial: 1, revokedKids: [], issuedAt: now.toISOString(), ...claims });
}

export const files: Record<string, Uint8Array> = {
  'firmware.bin': new Uint8Array(Buffer.from('firmware image v2.1.0 '.repeat(40))),
  'config.json': new Uint8Array(Buffer.from('{"mode":"line"}'.padEnd(880, ' '))),
};

export function manifestFor(signerKeyId: string, overrides: Partial<UpdateManifest> = {}): UpdateManifest {
  return {
    manifestVersion: '5.0',
    updateId: { provider: 'contoso', name: 'line-controller', version: '2.1.0' },
    compatibility: [{ model: 'ctl-a' }, { model: 'ctl-b', region: 'eu' }],
    instructions: { steps: [{ handler: 'swupdate', files: Object.keys(files) }] },
    files: Object.entries(files).map(([fileName, bytes]) => ({
      fileName,
      sizeInBytes: bytes.byteLength,
      hashes: { sha256: createHash('sha256').update(bytes).digest('base64') },
    })),
    prerequisites: [{ name: 'bootloader', minVersion: '1.4.0' }],
    releaseCounter: 7,
    createdAt: now.toISOString(),
    expiresAt: daysFromNow(30).toISOString(),
    provenance: {
      source: 'containerRegistry',
      eventId: 'evt-1',
      location: 'contoso.azurecr.io/edge/line-controller:2.1.0',
      digest: 'sha256:abc',
      pushedBy: 'ci',
      signerKeyId,
      importedAt: now.toISOString(),
    },
    ...overrides,
  };
}

/** A valid package for a ctl-a device that runs 2.0.0 (counter 6) and bootloader 1.5.0. */
export async function validInput(root: Pick<Root, 'jwk'>, signer: LocalKeySigner, overrides: Partial<UpdateManifest> = {}): Promise<VerifyUpdateInput> {
  return {
    signedManifest: await signManifest(manifestFor(signer.keyId, overrides), signer),
    trustedRoots: [root.jwk],
    device: {
      model: 'ctl-a',
      installed: { 'line-controller': { version: '2.0.0', releaseCounter: 6 }, bootloader: { version: '1.5.0', releaseCounter: 3 } },
    },
    files: { ...files },
    now: now.toISOString(),
  };
}
