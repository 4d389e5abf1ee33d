/** Where an imported update's files live in the package store: `{provider}/{name}/{version}/…`. */
import type { UpdateId } from '../updates/update';
import type { PackageDelivery } from '../fleet/fleet-port';
import type { UpdateManifest } from './manifest';

export function packageFolder(id: UpdateId): string {
  return `${id.provider}/${id.name}/${id.version}`;
}

export function deltaFileName(fileName: string, baseVersion: string): string {
  return `${fileName}.from-${baseVersion}.delta`;
}

/**
 * The delivery a device gets for a signed manifest, with the manifest's sizes and hashes; container images have no
 * stored bytes (their registry does).
 */
export function packageDelivery(manifest: UpdateManifest, signedManifest: string): PackageDelivery {
  const folder = packageFolder(manifest.updateId);
  const stored = manifest.provenance.source === 'blobStorage';
  return {
    signedManifest,
    files: manifest.files.map((file) => ({
      fileName: file.fileName,
      ...(stored ? { path: `${folder}/${file.fileName}` } : {}),
      sizeInBytes: file.sizeInBytes,
      sha256: file.hashes.sha256,
      deltas: (file.deltas ?? []).map((delta) => ({
        baseVersion: delta.baseVersion, path: `${folder}/${delta.fileName}`, sizeInBytes: delta.sizeInBytes, sha256: delta.hashes.sha256,
      })),
    })),
  };
}
