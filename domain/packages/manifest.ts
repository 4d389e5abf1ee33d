/**
 * The signed update manifest (in the spirit of Device Update's import manifest v5) plus what TUF/Uptane add:
 * an expiry (against freeze attacks), a release counter per update name (against roll back) and the exact file
 * hashes (against mix-and-match). Hashes are base64 SHA-256 of the file bytes.
 */
import type { CompatibilitySet, UpdateId } from '../updates/update';

export interface ManifestDelta {
  fileName: string;
  sizeInBytes: number;
  hashes: { sha256: string };
  /** The version (and full-file hash) the delta applies to. */
  baseVersion: string;
  baseSha256: string;
  tool: string;
}

export interface ManifestFile {
  fileName: string;
  sizeInBytes: number;
  hashes: { sha256: string };
  /** Binary deltas from earlier versions: applying one to the base must give exactly `hashes.sha256`. */
  deltas?: ManifestDelta[];
}

export interface Prerequisite {
  name: string;
  minVersion: string;
}

export interface Provenance {
  source: 'containerRegistry' | 'blobStorage';
  eventId: string;
  /** Registry login server + repository:tag, or the blob URL. */
  location: string;
  /** `sha256:…` registry digest, or the computed SHA-256 of the blob. */
  digest: string;
  pushedBy: string;
  signerKeyId: string;
  importedAt: string;
}

export interface UpdateManifest {
  manifestVersion: '5.0';
  updateId: UpdateId;
  compatibility: CompatibilitySet[];
  instructions: { steps: { handler: string; files: string[] }[] };
  files: ManifestFile[];
  prerequisites: Prerequisite[];
  /** Increases with every release of `updateId.name`; a device never accepts a lower one than it has. */
  releaseCounter: number;
  createdAt: string;
  expiresAt: string;
  provenance: Provenance;
}
