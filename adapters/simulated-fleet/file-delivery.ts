/**
 * How a simulated device fetches the files of a manifest it has verified: the delta when it runs the delta's base
 * version, otherwise, or when the delta cannot be used, the full file. Whatever it ends up with must be the signed
 * bytes; a full file that is not is refused, a delta that does not rebuild them is only a reason to fall back.
 */
import { createHash } from 'node:crypto';
import type { PackageDelivery } from '../../domain/fleet/fleet-port';
import type { ManifestDelta, ManifestFile, UpdateManifest } from '../../domain/packages/manifest';
import { packageFolder } from '../../domain/packages/package-paths';
import { rebuildVerified } from '../../delta';
import { refuse } from '../../device-agent/refusal';
import { verifyFileAgainstManifest, type Refusal } from '../../device-agent/verify-update';

export type Download = (path: string) => Promise<Uint8Array | undefined>;

export type FilesDelivered = { ok: true; kind: 'delta' | 'full'; bytes: number; detail?: string } | Refusal;

type Fetched = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

/** Counts downloaded bytes; the base file a delta applies to is the device's own and is not counted. */
export async function deliverFiles(manifest: UpdateManifest, delivery: PackageDelivery, installedVersion: string, download: Download): Promise<FilesDelivered> {
  // The delivery itself is unsigned: it may neither leave out a signed file nor add one.
  const left = manifest.files.find((file) => !delivery.files.some((entry) => entry.fileName === file.fileName));
  if (left) return refuse('file-mismatch', `file ${left.fileName} listed in the signed manifest is not in the package`);
  let bytes = 0;
  let anyFull = false;
  let stored = 0;
  const details: string[] = [];
  for (const entry of delivery.files) {
    const signed = manifest.files.find((file) => file.fileName === entry.fileName);
    if (!signed) return refuse('file-mismatch', `file ${entry.fileName} is not listed in the signed manifest`);
    // No path: a container image, pulled from its registry by the digest the manifest binds.
    if (entry.path === undefined) continue;
    const file = await deliverFile(manifest, signed, { path: entry.path, deltas: entry.deltas }, installedVersion, download);
    if (!file.ok) return file;
    stored++;
    bytes += file.bytes;
    anyFull ||= file.kind === 'full';
    if (file.detail) details.push(file.detail);
  }
  if (stored === 0) return { ok: true, kind: 'full', bytes: 0, detail: 'no stored files: verified by the signed manifest only' };
  return { ok: true, kind: anyFull ? 'full' : 'delta', bytes, ...(details.length > 0 ? { detail: details.join('; ') } : {}) };
}

async function deliverFile(
  manifest: UpdateManifest,
  signed: ManifestFile,
  entry: { path: string; deltas: PackageDelivery['files'][number]['deltas'] },
  installedVersion: string,
  download: Download,
): Promise<FilesDelivered> {
  let downloaded = 0;
  let fallback: string | undefined;
  // Only a delta the manifest signs is tried: its hash and base hash come from there, not from the delivery.
  const signedDelta = signed.deltas?.find((delta) => delta.baseVersion === installedVersion);
  const deltaPath = entry.deltas.find((delta) => delta.baseVersion === installedVersion)?.path;
  if (signedDelta && deltaPath !== undefined) {
    const rebuilt = await rebuildFromDelta(manifest, signed, signedDelta, deltaPath, download);
    downloaded += rebuilt.bytes;
    if (rebuilt.ok) return { ok: true, kind: 'delta', bytes: downloaded, detail: `${signed.fileName}: delta from ${installedVersion}` };
    fallback = `${signed.fileName}: delta from ${installedVersion} unusable (${rebuilt.reason}), took the full file`;
  }
  const full = await fetchFrom(download, entry.path);
  if (!full.ok) return refuse('file-mismatch', `file ${signed.fileName} cannot be downloaded from ${entry.path}: ${full.reason}`);
  downloaded += full.bytes.byteLength;
  const checked = verifyFileAgainstManifest(manifest, signed.fileName, full.bytes);
  if (!checked.ok) return checked;
  return { ok: true, kind: 'full', bytes: downloaded, ...(fallback ? { detail: fallback } : {}) };
}

async function rebuildFromDelta(
  manifest: UpdateManifest,
  signed: ManifestFile,
  delta: ManifestDelta,
  path: string,
  download: Download,
): Promise<{ ok: true; bytes: number } | { ok: false; reason: string; bytes: number }> {
  const patch = await fetchFrom(download, path);
  if (!patch.ok) return { ok: false, reason: patch.reason, bytes: 0 };
  const bytes = patch.bytes.byteLength;
  // Checked before patching, so the patcher only ever parses signed input.
  if (sha256(patch.bytes) !== delta.hashes.sha256) return { ok: false, reason: 'the delta is not the signed one', bytes };
  const base = await baseFile(manifest, delta, download);
  if (!base.ok) return { ok: false, reason: base.reason, bytes };
  const rebuilt = await rebuildVerified(base.bytes, patch.bytes, signed.hashes.sha256);
  return rebuilt.ok ? { ok: true, bytes } : { ok: false, reason: rebuilt.reason, bytes };
}

/**
 * The device's own copy of the base version's file. A real device reads it from its disk; the simulated one has
 * no disk, so it takes it from the store: in the base version's folder, the file whose SHA-256 the signed delta
 * names, found through that version's manifest.json (file names carry their version, so it cannot be guessed).
 */
async function baseFile(manifest: UpdateManifest, delta: ManifestDelta, download: Download): Promise<Fetched> {
  const folder = packageFolder({ ...manifest.updateId, version: delta.baseVersion });
  const listing = await fetchFrom(download, `${folder}/manifest.json`);
  if (!listing.ok) return { ok: false, reason: `manifest of ${delta.baseVersion}: ${listing.reason}` };
  const fileName = fileNameWithHash(listing.bytes, delta.baseSha256);
  if (fileName === undefined) return { ok: false, reason: `no file of ${delta.baseVersion} is the delta's base` };
  const base = await fetchFrom(download, `${folder}/${fileName}`);
  if (!base.ok) return { ok: false, reason: `base file ${fileName}: ${base.reason}` };
  if (sha256(base.bytes) !== delta.baseSha256) return { ok: false, reason: `base file ${fileName} is not the one the delta was made from` };
  return base;
}

function fileNameWithHash(manifestJson: Uint8Array, sha256Base64: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(manifestJson).toString('utf8')) as { files?: unknown };
    if (!Array.isArray(parsed.files)) return undefined;
    const file = (parsed.files as { fileName?: unknown; hashes?: { sha256?: unknown } }[]).find((f) => f?.hashes?.sha256 === sha256Base64);
    return typeof file?.fileName === 'string' ? file.fileName : undefined;
  } catch {
    return undefined;
  }
}

/** A failed download is a fact about this delivery, not an error of the fleet: the device reports it. */
async function fetchFrom(download: Download, path: string): Promise<Fetched> {
  try {
    const bytes = await download(path);
    return bytes ? { ok: true, bytes } : { ok: false, reason: 'not found' };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}
