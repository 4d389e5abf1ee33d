/**
 * Checks that a signed payload really is an update manifest before any field is relied on, so every later check
 * compares real values and a malformed manifest is refused as such rather than crashing the verifier.
 */
import type { ManifestDelta, ManifestFile, Prerequisite, UpdateManifest } from '../domain/packages/manifest';
import type { Checked } from './key-chain';
import { isNonEmptyString, isNonNegativeInteger, isRecord, isStringRecord, parseTimestamp } from './json-shape';
import { isSemver } from '../common/semver';

/** Base64 (not base64url) of 32 bytes, as Device Update writes `hashes.sha256`. */
const sha256Base64 = /^[A-Za-z0-9+/]{43}=$/;

export function parseManifest(value: unknown): Checked<UpdateManifest> {
  const problem = manifestProblem(value);
  return problem ? { ok: false, reason: `the manifest ${problem}` } : { ok: true, value: value as UpdateManifest };
}

function manifestProblem(manifest: unknown): string | undefined {
  if (!isRecord(manifest)) return 'is not a JSON object';
  if (manifest.manifestVersion !== '5.0') return `has manifestVersion ${JSON.stringify(manifest.manifestVersion)}, expected "5.0"`;
  const { updateId } = manifest;
  if (!isRecord(updateId) || !isNonEmptyString(updateId.provider) || !isNonEmptyString(updateId.name)) return 'has no updateId provider and name';
  if (typeof updateId.version !== 'string' || !isSemver(updateId.version)) return `has version ${JSON.stringify(updateId.version)}, which is not semver`;
  if (!Array.isArray(manifest.compatibility) || !manifest.compatibility.every(isStringRecord)) return 'has no compatibility sets of string properties';
  if (!isNonNegativeInteger(manifest.releaseCounter)) return 'has no non-negative integer releaseCounter';
  for (const field of ['createdAt', 'expiresAt'] as const) {
    if (parseTimestamp(manifest[field]) === undefined) return `has no RFC 3339 ${field}`;
  }
  if (!isRecord(manifest.provenance)) return 'has no provenance';
  if (!Array.isArray(manifest.prerequisites)) return 'has no prerequisites list';
  const prerequisite = manifest.prerequisites.find((item) => !isPrerequisite(item));
  if (prerequisite !== undefined) return `has a prerequisite that is not {name, minVersion (semver)}: ${JSON.stringify(prerequisite)}`;
  return filesProblem(manifest.files) ?? stepsProblem(manifest.instructions, manifest.files as ManifestFile[]);
}

function filesProblem(files: unknown): string | undefined {
  if (!Array.isArray(files)) return 'has no files list';
  const names = new Set<string>();
  for (const file of files) {
    if (!isFileEntry(file)) return `has a file entry without fileName, sizeInBytes and a base64 SHA-256: ${JSON.stringify(file)}`;
    // Two entries with one name would let a checker and an installer disagree about which bytes are meant.
    if (names.has(file.fileName)) return `lists file ${file.fileName} twice`;
    names.add(file.fileName);
    if (file.deltas !== undefined && !(Array.isArray(file.deltas) && file.deltas.every(isDelta))) return `has malformed deltas for ${file.fileName}`;
  }
  return undefined;
}

function stepsProblem(instructions: unknown, files: ManifestFile[]): string | undefined {
  if (!isRecord(instructions) || !Array.isArray(instructions.steps)) return 'has no instructions.steps';
  const listed = new Set(files.map((file) => file.fileName));
  for (const step of instructions.steps) {
    if (!isRecord(step) || !isNonEmptyString(step.handler) || !Array.isArray(step.files)) return 'has a step without handler and files';
    // A step may only install bytes whose hash the manifest binds.
    const unlisted = step.files.find((name) => typeof name !== 'string' || !listed.has(name));
    if (unlisted !== undefined) return `has a step using ${JSON.stringify(unlisted)}, which is not in its files list`;
  }
  return undefined;
}

function isPrerequisite(value: unknown): value is Prerequisite {
  return isRecord(value) && isNonEmptyString(value.name) && typeof value.minVersion === 'string' && isSemver(value.minVersion);
}

function isFileEntry(value: unknown): value is ManifestFile {
  return isRecord(value) && isNonEmptyString(value.fileName) && isNonNegativeInteger(value.sizeInBytes) && hasSha256(value.hashes);
}

function isDelta(value: unknown): value is ManifestDelta {
  return (
    isFileEntry(value) &&
    isRecord(value) &&
    typeof value.baseVersion === 'string' &&
    typeof value.baseSha256 === 'string' &&
    sha256Base64.test(value.baseSha256) &&
    isNonEmptyString(value.tool)
  );
}

function hasSha256(hashes: unknown): boolean {
  return isRecord(hashes) && typeof hashes.sha256 === 'string' && sha256Base64.test(hashes.sha256);
}
