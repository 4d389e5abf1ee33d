/**
 * From a command to verified files on disk: the signed manifest is checked first (nothing is downloaded for a
 * package the device would refuse anyway), then each file arrives as a delta from the running version when one is
 * signed for it, else (or when the delta fails) in full, and finally the whole package goes through the verifier
 * again with the bytes, against a freshly read trust file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { rebuildVerified } from '../../delta';
import { verifySignedManifest, verifyUpdatePackage, type DeviceState, type VerifyResult } from '../verify-update';
import { DownloadError, downloadVerified, redact } from './download';
import type { Delivery, OtaCommand, SlotContent } from './journal';
import { agentCodes } from './transitions';
import { readTrust } from './trust';

type UpdateManifest = Extract<VerifyResult, { ok: true }>['manifest'];
type ManifestFile = UpdateManifest['files'][number];

export interface PackageSource {
  command: OtaCommand;
  trustFile: string | undefined;
  /** The device's tags: `model` and the other compatibility properties. */
  tags: Record<string, string>;
  running: SlotContent;
  runningDir: string;
  downloadsDir: string;
  signal: AbortSignal;
  now: () => string;
  log: (line: string) => void;
}

export type FetchedPackage =
  | { ok: true; content: SlotContent; files: { fileName: string; path: string }[]; delivery: Delivery }
  | { ok: false; code: string; message: string; delivery?: Delivery };

export async function fetchVerifiedPackage(source: PackageSource): Promise<FetchedPackage> {
  const { command } = source;
  const first = checkManifest(source);
  if (!first.ok) return first;
  const { manifest } = first;
  const entries = command.files ?? [];
  const unsigned = entries.find((entry) => !manifest.files.some((file) => file.fileName === entry.fileName));
  if (unsigned) return refused('file-mismatch', `file ${unsigned.fileName} of the command is not in the signed manifest`);

  const files: { fileName: string; path: string }[] = [];
  let bytes = 0;
  let allDeltas = true;
  for (const signed of manifest.files) {
    const entry = entries.find((item) => item.fileName === signed.fileName);
    if (!entry?.url) return refused(agentCodes.noPackage, `file ${signed.fileName} has no URL in the command (a container image?): this agent installs files only`);
    const viaDelta = await tryDelta(source, signed, entry.deltas.find((delta) => delta.baseVersion === source.running.version)?.url);
    if (viaDelta) {
      files.push({ fileName: signed.fileName, path: viaDelta.path });
      bytes += viaDelta.bytes;
      continue;
    }
    allDeltas = false;
    try {
      files.push({ fileName: signed.fileName, path: await downloadVerified({ url: entry.url, downloadsDir: source.downloadsDir, sizeInBytes: signed.sizeInBytes, sha256: signed.hashes.sha256, signal: source.signal }) });
      bytes += signed.sizeInBytes;
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error;
      return error.kind === 'mismatch'
        ? refused('file-mismatch', `file ${signed.fileName}: ${error.message}: swapped or corrupted`)
        : { ok: false, code: agentCodes.downloadFailed, message: `file ${signed.fileName}: ${error.message}` };
    }
  }

  // The verdict that counts: chain, signature, expiry, counters, fit and every file's bytes, with today's trust.
  const trust = readTrust(source.trustFile);
  if (!trust.ok) return refused('untrusted-certificate', trust.reason);
  const contents: Record<string, Uint8Array> = {};
  for (const file of files) contents[file.fileName] = new Uint8Array(await fs.promises.readFile(file.path));
  const verdict = verifyUpdatePackage({ signedManifest: command.signedManifest ?? '', trustedRoots: trust.trust.roots, ...(trust.trust.revocationList ? { revocationList: trust.trust.revocationList } : {}), device: deviceState(source), files: contents, now: source.now() });
  if (!verdict.ok) return refused(verdict.code, verdict.reason);
  return {
    ok: true,
    files,
    delivery: { kind: allDeltas ? 'delta' : 'full', bytes },
    content: {
      name: manifest.updateId.name,
      version: manifest.updateId.version,
      releaseCounter: manifest.releaseCounter,
      files: manifest.files.map((file) => ({ fileName: file.fileName, sizeInBytes: file.sizeInBytes, sha256: file.hashes.sha256 })),
    },
  };
}

function checkManifest(source: PackageSource): { ok: true; manifest: UpdateManifest } | Extract<FetchedPackage, { ok: false }> {
  const { command } = source;
  const trust = readTrust(source.trustFile);
  if (!trust.ok) return refused('untrusted-certificate', trust.reason);
  const verdict = verifySignedManifest({ signedManifest: command.signedManifest ?? '', trustedRoots: trust.trust.roots, ...(trust.trust.revocationList ? { revocationList: trust.trust.revocationList } : {}), device: deviceState(source), now: source.now() });
  if (!verdict.ok) return refused(verdict.code, verdict.reason);
  const { name, version } = verdict.manifest.updateId;
  // The report names the command's version once installed: a manifest of another version would be misreported.
  if (version !== command.update.version || (command.update.name !== '' && name !== command.update.name)) {
    return refused('malformed', `the command installs ${command.update.name} ${command.update.version}, the signed manifest is ${name} ${version}`);
  }
  if (name !== source.running.name) return refused('incompatible', `this agent runs update ${source.running.name}, the package is ${name}`);
  return { ok: true, manifest: verdict.manifest };
}

/** The rebuilt file, or undefined (then the full file is fetched): a delta is only ever an optimisation. */
async function tryDelta(source: PackageSource, signed: ManifestFile, url: string | undefined): Promise<{ path: string; bytes: number } | undefined> {
  const delta = signed.deltas?.find((item) => item.baseVersion === source.running.version);
  if (!delta || url === undefined) return undefined;
  const base = source.running.files.find((file) => file.sha256 === delta.baseSha256);
  try {
    if (!base) throw new Error(`no file of the running ${source.running.version} is the delta's base`);
    const patch = await downloadVerified({ url, downloadsDir: source.downloadsDir, sizeInBytes: delta.sizeInBytes, sha256: delta.hashes.sha256, signal: source.signal, attempts: 2 });
    const rebuilt = await rebuildVerified(
      new Uint8Array(await fs.promises.readFile(path.join(source.runningDir, base.fileName))),
      new Uint8Array(await fs.promises.readFile(patch)),
      signed.hashes.sha256,
    );
    if (!rebuilt.ok) throw new Error(rebuilt.reason);
    const target = path.join(source.downloadsDir, Buffer.from(signed.hashes.sha256, 'base64').toString('hex'));
    await fs.promises.writeFile(`${target}.rebuilt`, rebuilt.bytes);
    await fs.promises.rename(`${target}.rebuilt`, target);
    return { path: target, bytes: delta.sizeInBytes };
  } catch (error) {
    if (source.signal.aborted) throw error;
    source.log(`delta for ${signed.fileName} from ${source.running.version} (${redact(url)}) unusable: ${(error as Error).message}; taking the full file`);
    return undefined;
  }
}

function deviceState(source: PackageSource): DeviceState {
  const { model = '', ...properties } = source.tags;
  return { model, properties, installed: { [source.running.name]: { version: source.running.version, releaseCounter: source.running.releaseCounter } } };
}

function refused(code: string, message: string): Extract<FetchedPackage, { ok: false }> {
  return { ok: false, code, message, delivery: { kind: 'refused', bytes: 0 } };
}
