/**
 * Real signed firmware packages for the simulated fleet: local keys as the local stack makes them, firmware
 * published under the import's package-store layout (full file, manifest.json, deltas), and a store that counts
 * downloads.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureLocalKeys, type LocalKeyPaths } from '../../../../adapters/signing/local-keys';
import { loadLocalKeySigner, type LocalKeySigner } from '../../../../adapters/signing/local-key-signer';
import { signManifest } from '../../../../adapters/signing/sign-manifest';
import { createDelta, deltaTool } from '../../../../delta';
import type { PackageDelivery } from '../../../../domain/fleet/fleet-port';
import type { ManifestDelta, UpdateManifest } from '../../../../domain/packages/manifest';
import { deltaFileName, packageDelivery, packageFolder } from '../../../../domain/packages/package-paths';
import type { PublicJwk } from '../../../../domain/packages/signing';

const dayMs = 86_400_000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

export interface Keys {
  dir: string;
  paths: LocalKeyPaths;
  signer: LocalKeySigner;
  root: PublicJwk;
}

/** A root and a certified signing key in a temp dir, valid from a day before `now`. */
export async function makeKeys(now: Date): Promise<Keys> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fleet-keys-'));
  const paths = await ensureLocalKeys(dir, now);
  const signer = await loadLocalKeySigner({ privateKeyPath: paths.privateKey, certificatePath: paths.certificate });
  const root = JSON.parse(await readFile(paths.rootPublicJwk, 'utf8')) as PublicJwk;
  return { dir, paths, signer, root };
}

/** 64 KiB of firmware; each later version changes about 2 % of it, so a delta is much smaller than the file. */
export function firmware(version: string): Uint8Array {
  const bytes = new Uint8Array(65_536);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) % 251;
  const [, minor = 0, patch = 0] = version.split('.').map(Number);
  for (let change = 0; change < (minor * 10 + patch) * 130; change++) bytes[(change * 7919) % bytes.length] = (change * 13) % 256;
  return bytes;
}

export class MemoryPackageStore {
  readonly files = new Map<string, Uint8Array>();
  readonly downloads: string[] = [];
  readonly download = async (filePath: string): Promise<Uint8Array | undefined> => {
    this.downloads.push(filePath);
    return this.files.get(filePath);
  };
}

export const updateName = 'plc-firmware';
export const fileNameOf = (version: string) => `plc-${version}.bin`;
export const fullPath = (version: string) => `${packageFolder({ provider: 'contoso', name: updateName, version })}/${fileNameOf(version)}`;

export interface Published {
  manifest: UpdateManifest;
  signedManifest: string;
  delivery: PackageDelivery;
}

/** Stores a version as the import does and signs its manifest; `overrides` change the manifest before signing. */
export async function publish(
  store: MemoryPackageStore,
  signer: LocalKeySigner,
  now: Date,
  version: string,
  options: { releaseCounter: number; deltaFrom?: string[]; overrides?: Partial<UpdateManifest> },
): Promise<Published> {
  const updateId = { provider: 'contoso', name: updateName, version };
  const bytes = firmware(version);
  store.files.set(fullPath(version), bytes);
  const deltas: ManifestDelta[] = [];
  for (const base of options.deltaFrom ?? []) {
    const fileName = deltaFileName(fileNameOf(version), base);
    const delta = await createDelta(firmware(base), bytes);
    store.files.set(`${packageFolder(updateId)}/${fileName}`, delta);
    deltas.push({ fileName, sizeInBytes: delta.length, hashes: { sha256: sha256(delta) }, baseVersion: base, baseSha256: sha256(firmware(base)), tool: deltaTool });
  }
  const manifest: UpdateManifest = {
    manifestVersion: '5.0',
    updateId,
    compatibility: [{ model: 'ctl-b' }],
    instructions: { steps: [{ handler: 'microsoft/swupdate:2', files: [fileNameOf(version)] }] },
    files: [{ fileName: fileNameOf(version), sizeInBytes: bytes.length, hashes: { sha256: sha256(bytes) }, ...(deltas.length ? { deltas } : {}) }],
    prerequisites: [],
    releaseCounter: options.releaseCounter,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 30 * dayMs).toISOString(),
    provenance: {
      source: 'blobStorage',
      eventId: `evt-${version}`,
      location: `http://127.0.0.1:10000/devstoreaccount1/firmware-uploads/plc/${fileNameOf(version)}`,
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      pushedBy: 'ci',
      signerKeyId: signer.keyId,
      importedAt: now.toISOString(),
    },
    ...options.overrides,
  };
  const signedManifest = await signManifest(manifest, signer);
  store.files.set(`${packageFolder(updateId)}/manifest.json`, Buffer.from(JSON.stringify(manifest, null, 2)));
  return { manifest, signedManifest, delivery: packageDelivery(manifest, signedManifest) };
}
