/**
 * One file against the signed manifest: the same check for a downloaded full file and for the output of applying
 * a delta, which must come out byte for byte as the signed full file.
 */
import { createHash } from 'node:crypto';
import type { UpdateManifest } from '../domain/packages/manifest';
import { refuse, type Refusal } from './refusal';

export function verifyFileAgainstManifest(manifest: UpdateManifest, fileName: string, bytes: Uint8Array): { ok: true } | Refusal {
  const signed = manifest.files.find((file) => file.fileName === fileName);
  if (!signed) return refuse('file-mismatch', `file ${fileName} is not listed in the signed manifest`);
  if (bytes.byteLength !== signed.sizeInBytes) {
    return refuse('file-mismatch', `file ${fileName} has ${bytes.byteLength} bytes, the signed manifest says ${signed.sizeInBytes}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('base64');
  if (sha256 !== signed.hashes.sha256) {
    return refuse('file-mismatch', `file ${fileName} has SHA-256 ${sha256}, the signed manifest says ${signed.hashes.sha256}: swapped or corrupted`);
  }
  return { ok: true };
}
