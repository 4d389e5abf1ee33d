/** An update as registered in the service (Device Update style identity, compatibility and files). */
import type { Prerequisite, UpdateManifest } from '../packages/manifest';
export interface UpdateId {
  provider: string;
  name: string;
  version: string;
}

export interface UpdateFile {
  fileName: string;
  sizeInBytes: number;
  hashes: { sha256: string };
}

/** One set of device properties that must all match, e.g. `{ model: 'ctl-a' }`. */
export type CompatibilitySet = Record<string, string>;

export interface Update {
  updateId: UpdateId;
  compatibility: CompatibilitySet[];
  files: UpdateFile[];
  createdAt: string;
  /** Other updates a device must run first (name + minimum version). */
  prerequisites?: Prerequisite[];
  /** Imported updates carry their manifest and its compact JWS (ES256); hand-registered ones do not. */
  manifest?: UpdateManifest;
  signedManifest?: string;
}

export function updateKey(id: UpdateId): string {
  return `${id.provider}/${id.name}/${id.version}`;
}

// One rule for the service and devices (common/compatibility.ts); re-exported so domain users find it with Update.
export { isCompatible } from '../../common/compatibility';
