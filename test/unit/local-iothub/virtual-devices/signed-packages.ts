/**
 * Real signed firmware packages for the virtual devices: local keys as the local stack makes them, firmware
 * published under the package store's layout (full file, manifest.json, deltas) on a local HTTP server that counts
 * downloads, and the `desired.ota.command` the service writes for a package (files by SAS-like URL).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureLocalKeys, type LocalKeyPaths } from '../../../../adapters/signing/local-keys';
import { loadLocalKeySigner, type LocalKeySigner } from '../../../../adapters/signing/local-key-signer';
import { signManifest } from '../../../../adapters/signing/sign-manifest';
import { createDelta, deltaTool } from '../../../../delta';
import type { ManifestDelta, UpdateManifest } from '../../../../domain/packages/manifest';
import { deltaFileName, packageFolder } from '../../../../domain/packages/package-paths';
import type { PublicJwk } from '../../../../domain/packages/signing';
import type { Command } from './hub-fixture';

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
  const dir = await mkdtemp(path.join(tmpdir(), 'virtual-fleet-keys-'));
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

/**
 * The package store over HTTP, as Azurite serves it: `/updates/{provider}/{name}/{version}/{file}`, readable only
 * with the (fake) SAS query the URLs carry, so a device that drops it gets 403. A container SAS reads every blob,
 * a blob SAS (what the service hands out) only the blob it was made for.
 */
export class PackageServer {
  readonly files = new Map<string, Uint8Array>();
  /** Store paths in the order they were served (or asked for). */
  readonly downloads: string[] = [];
  sasScope: 'container' | 'blob' = 'container';
  private server: Server | undefined;
  private base = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const storePath = decodeURIComponent(url.pathname.replace(/^\/updates\//, ''));
      this.downloads.push(storePath);
      const sig = url.searchParams.get('sig');
      if (sig !== 'container-sas' && sig !== `blob-sas:${storePath}`) return void response.writeHead(403).end('AuthenticationFailed');
      const bytes = this.files.get(storePath);
      if (!bytes) return void response.writeHead(404).end('BlobNotFound');
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength }).end(Buffer.from(bytes));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/updates`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  url(storePath: string): string {
    const sas = this.sasScope === 'container' ? 'sr=c&sig=container-sas' : `sr=b&sig=${encodeURIComponent(`blob-sas:${storePath}`)}`;
    return `${this.base}/${storePath}?sv=2024-01-01&sp=r&${sas}`;
  }

  downloadsOf(storePath: string): number {
    return this.downloads.filter((p) => p === storePath).length;
  }
}

export const updateName = 'plc-firmware';
export const fileNameOf = (version: string) => `plc-${version}.bin`;
export const folderOf = (version: string) => packageFolder({ provider: 'contoso', name: updateName, version });
export const fullPath = (version: string) => `${folderOf(version)}/${fileNameOf(version)}`;
export const deltaPath = (version: string, base: string) => `${folderOf(version)}/${deltaFileName(fileNameOf(version), base)}`;

export interface Published {
  manifest: UpdateManifest;
  signedManifest: string;
}

/** Stores a version as the import does and signs its manifest; `overrides` change the manifest before signing. */
export async function publish(
  store: PackageServer,
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
    const delta = await createDelta(firmware(base), bytes);
    store.files.set(deltaPath(version, base), delta);
    deltas.push({ fileName: deltaFileName(fileNameOf(version), base), sizeInBytes: delta.length, hashes: { sha256: sha256(delta) }, baseVersion: base, baseSha256: sha256(firmware(base)), tool: deltaTool });
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
  store.files.set(`${folderOf(version)}/manifest.json`, Buffer.from(JSON.stringify(manifest, null, 2)));
  return { manifest, signedManifest };
}

/** The command the service writes for a signed package (docs/device-twin-contract.md). */
export function packageCommand(store: PackageServer, manifest: UpdateManifest, signedManifest: string, options: { id?: string; version?: string } = {}): Command {
  const { provider, name, version } = manifest.updateId;
  const folder = packageFolder(manifest.updateId);
  const stored = manifest.provenance.source === 'blobStorage';
  return {
    id: options.id ?? `cmd-${options.version ?? version}`,
    kind: 'install',
    update: { provider, name, version: options.version ?? version },
    signedManifest,
    files: manifest.files.map((file) => ({
      fileName: file.fileName,
      ...(stored ? { url: store.url(`${folder}/${file.fileName}`) } : {}),
      sizeInBytes: file.sizeInBytes,
      sha256: file.hashes.sha256,
      deltas: (file.deltas ?? []).map((delta) => ({ baseVersion: delta.baseVersion, url: store.url(`${folder}/${delta.fileName}`), sizeInBytes: delta.sizeInBytes, sha256: delta.hashes.sha256 })),
    })),
  };
}
