/**
 * How a virtual device fetches the files of a manifest it has verified, from the command's URLs: the delta when
 * it runs the delta's base version, otherwise, or when the delta cannot be used, the full file. Whatever it ends up
 * with must be the signed bytes; a full file that is not is refused, a delta that does not rebuild them is only a
 * reason to fall back.
 */
import { createHash } from 'node:crypto';
import { rebuildVerified } from '../../delta';
import { refuse, type RefusalCode } from '../../device-agent/refusal';
import { verifyFileAgainstManifest, type VerifyResult } from '../../device-agent/verify-update';
import type { CommandFile } from './ota-command';

export type UpdateManifest = Extract<VerifyResult, { ok: true }>['manifest'];
type ManifestFile = UpdateManifest['files'][number];
type ManifestDelta = NonNullable<ManifestFile['deltas']>[number];

/** Resolves with the body, rejects with why not (HTTP status, network error). */
export type Download = (url: string) => Promise<Uint8Array>;

/** A file of a version the device already runs, the base a delta applies to. */
export interface OwnFile {
  provider: string;
  name: string;
  version: string;
  fileName: string;
  /** The URL of the delta the file is the base of. */
  deltaUrl: string;
}

/** Resolves with the file's bytes, rejects with why they cannot be read. */
export type ReadOwnFile = (file: OwnFile) => Promise<Uint8Array>;

/** Why the package is not installed: a refusal code of the verifier, or a download that failed. */
export interface DeliveryFailure {
  ok: false;
  code: RefusalCode | 'download-failed';
  reason: string;
}

export type FilesDelivered = { ok: true; kind: 'delta' | 'full'; bytes: number; detail?: string } | DeliveryFailure;

type Fetched = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

/** Counts downloaded bytes; the base file a delta applies to is the device's own and is not counted. */
export async function deliverFiles(manifest: UpdateManifest, files: readonly CommandFile[], installedVersion: string, download: Download, readOwn: ReadOwnFile): Promise<FilesDelivered> {
  // The command's file list is unsigned: it may neither leave out a signed file nor add one.
  const left = manifest.files.find((file) => !files.some((entry) => entry.fileName === file.fileName));
  if (left) return refuse('file-mismatch', `file ${left.fileName} listed in the signed manifest is not in the command`);
  let bytes = 0;
  let anyFull = false;
  let stored = 0;
  const details: string[] = [];
  for (const entry of files) {
    const signed = manifest.files.find((file) => file.fileName === entry.fileName);
    if (!signed) return refuse('file-mismatch', `file ${entry.fileName} is not listed in the signed manifest`);
    // No URL: a container image, pulled from its registry by the digest the manifest binds.
    if (entry.url === undefined) continue;
    const file = await deliverFile(manifest, signed, { ...entry, url: entry.url }, installedVersion, download, readOwn);
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
  entry: CommandFile & { url: string },
  installedVersion: string,
  download: Download,
  readOwn: ReadOwnFile,
): Promise<FilesDelivered> {
  let downloaded = 0;
  let fallback: string | undefined;
  // Only a delta the manifest signs is tried: its hash and base hash come from there, not from the command.
  const signedDelta = signed.deltas?.find((delta) => delta.baseVersion === installedVersion);
  const deltaUrl = entry.deltas.find((delta) => delta.baseVersion === installedVersion)?.url;
  if (signedDelta && deltaUrl !== undefined) {
    const rebuilt = await rebuildFromDelta(manifest, signed, signedDelta, deltaUrl, download, readOwn);
    downloaded += rebuilt.bytes;
    if (rebuilt.ok) return { ok: true, kind: 'delta', bytes: downloaded, detail: `${signed.fileName}: delta from ${installedVersion}` };
    fallback = `${signed.fileName}: delta from ${installedVersion} unusable (${rebuilt.reason}), took the full file`;
  }
  const full = await fetchFrom(() => download(entry.url));
  if (!full.ok) return { ok: false, code: 'download-failed', reason: `file ${signed.fileName} cannot be downloaded: ${full.reason}` };
  downloaded += full.bytes.byteLength;
  const checked = verifyFileAgainstManifest(manifest, signed.fileName, full.bytes);
  if (!checked.ok) return checked;
  return { ok: true, kind: 'full', bytes: downloaded, ...(fallback ? { detail: fallback } : {}) };
}

async function rebuildFromDelta(
  manifest: UpdateManifest,
  signed: ManifestFile,
  delta: ManifestDelta,
  url: string,
  download: Download,
  readOwn: ReadOwnFile,
): Promise<{ ok: true; bytes: number } | { ok: false; reason: string; bytes: number }> {
  const patch = await fetchFrom(() => download(url));
  if (!patch.ok) return { ok: false, reason: patch.reason, bytes: 0 };
  const bytes = patch.bytes.byteLength;
  // Checked before patching, so the patcher only ever parses signed input.
  if (sha256(patch.bytes) !== delta.hashes.sha256) return { ok: false, reason: 'the delta is not the signed one', bytes };
  const base = await baseFile(manifest, delta, url, readOwn);
  if (!base.ok) return { ok: false, reason: base.reason, bytes };
  const rebuilt = await rebuildVerified(base.bytes, patch.bytes, signed.hashes.sha256);
  return rebuilt.ok ? { ok: true, bytes } : { ok: false, reason: rebuilt.reason, bytes };
}

/**
 * The device's own copy of the base version's file. A real device reads it from its disk; a virtual one has no
 * disk, so it reads the package store, where a version's files and its manifest.json are kept together: the file
 * is the one whose SHA-256 the signed delta names (file names carry their version, so it cannot be guessed).
 */
async function baseFile(manifest: UpdateManifest, delta: ManifestDelta, deltaUrl: string, readOwn: ReadOwnFile): Promise<Fetched> {
  const { provider, name } = manifest.updateId;
  const read = (fileName: string) => fetchFrom(() => readOwn({ provider, name, version: delta.baseVersion, fileName, deltaUrl }));
  const listing = await read('manifest.json');
  if (!listing.ok) return { ok: false, reason: `manifest of ${delta.baseVersion}: ${listing.reason}` };
  const fileName = fileNameWithHash(listing.bytes, delta.baseSha256);
  if (fileName === undefined) return { ok: false, reason: `no file of ${name} ${delta.baseVersion} is the delta's base` };
  const base = await read(fileName);
  if (!base.ok) return { ok: false, reason: `base file ${fileName}: ${base.reason}` };
  if (sha256(base.bytes) !== delta.baseSha256) return { ok: false, reason: `base file ${fileName} is not the one the delta was made from` };
  return base;
}

/**
 * Own files from next to the delta: the store keeps each version in `{provider}/{name}/{version}/`, so the base
 * version's folder is a sibling of the delta's. The delta URL's query (its SAS) is reused: it reaches the base only
 * when it grants the whole container; a per-blob SAS does not, and the device then falls back to the full file.
 */
export function ownFilesNextToDelta(download: Download): ReadOwnFile {
  return ({ version, fileName, deltaUrl }) => download(siblingUrl(deltaUrl, version, fileName));
}

/** Own files read from the package store by path (`{provider}/{name}/{version}/{file}`). */
export function ownFilesFromStore(read: (path: string) => Promise<Uint8Array | undefined>): ReadOwnFile {
  return async ({ provider, name, version, fileName }) => {
    const bytes = await read(`${provider}/${name}/${version}/${fileName}`);
    if (!bytes) throw new Error('not in the package store');
    return bytes;
  };
}

/** `…/{name}/{version}/{file}?sas` → `…/{name}/{otherVersion}/{fileName}?sas`. */
export function siblingUrl(url: string, version: string, fileName: string): string {
  const sibling = new URL(`../${encodeURIComponent(version)}/${encodeURIComponent(fileName)}`, url);
  sibling.search = new URL(url).search;
  return sibling.toString();
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
async function fetchFrom(fetchBytes: () => Promise<Uint8Array>): Promise<Fetched> {
  try {
    return { ok: true, bytes: await fetchBytes() };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** Downloads over HTTP(S) with `fetch`; a stalled server fails the download instead of holding the device. */
export function fetchDownload(fetchImpl: typeof fetch, timeoutMs = 120_000): Download {
  return async (url) => {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}
