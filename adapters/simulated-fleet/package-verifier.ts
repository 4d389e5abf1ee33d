/**
 * The simulated devices' update agent: before installing a signed package a device checks it with the device-side
 * verifier against its own state (model and other tags, installed version and release counter) at the command's
 * time, then fetches and checks its files. Devices in the same state reach the same verdict, so a batch is verified
 * once per distinct state, and files are fetched once per command and base version, not once per device.
 */
import type { DesiredVersion, PackageDelivery } from '../../domain/fleet/fleet-port';
import type { UpdateManifest } from '../../domain/packages/manifest';
import type { PublicJwk } from '../../domain/packages/signing';
import { decodeJws, parseJsonBytes } from '../../device-agent/jws';
import { isRecord } from '../../device-agent/json-shape';
import { refuse } from '../../device-agent/refusal';
import { verifySignedManifest, type DeviceState, type InstalledUpdate, type Refusal } from '../../device-agent/verify-update';
import { deliverFiles, type FilesDelivered } from './file-delivery';
import { refusedVerdict, type PackageVerdict } from './package-verdict';

/** Where simulated devices get their trust anchors and package bytes from. */
export interface PackageSource {
  /** The root keys devices trust and the newest revocation list; rejects when signing is not set up. */
  trust(): Promise<Trust>;
  download(path: string): Promise<Uint8Array | undefined>;
}

interface Trust {
  roots: PublicJwk[];
  revocationList?: string;
}

export interface VerifyRequest<D> {
  desired: DesiredVersion;
  device: D;
}

// Deliveries are small records, but a long-running fleet sees many commands: keep the recent ones only.
const fileCacheLimit = 256;

export class PackageVerifier {
  /** File deliveries by command and base version: shared by every device of a batch and by a re-sent batch. */
  private readonly fileDeliveries = new Map<string, Promise<FilesDelivered>>();
  /** Profile groups share one frozen tags object, so its key is computed once per group. */
  private readonly tagKeys = new WeakMap<object, string>();

  constructor(private readonly source: PackageSource) {}

  /** One verdict per request, undefined for commands without a package. Never rejects for a bad package. */
  async verdicts<D extends { tags: Readonly<Record<string, string>> }>(
    requests: readonly VerifyRequest<D>[],
    installedOf: (device: D, updateName: string) => InstalledUpdate,
    at: string,
    softwareOf: (device: D) => Record<string, string> = () => ({}),
  ): Promise<(PackageVerdict | undefined)[]> {
    let trust: Promise<Trust | Refusal> | undefined;
    const byState = new Map<string, Promise<PackageVerdict>>();
    const names = new Map<string, string>();
    const keys = requests.map(({ desired, device }) => {
      const delivery = desired.package;
      if (!delivery) return undefined;
      // Which installed update the device compares against is what the manifest says it updates.
      const name = names.get(desired.commandId) ?? signedUpdateName(delivery.signedManifest) ?? desired.updateName;
      names.set(desired.commandId, name);
      const installed = installedOf(device, name);
      const software = softwareOf(device);
      const key = `${desired.commandId}\0${this.tagKey(device.tags)}\0${installed.version}\0${installed.releaseCounter}\0${JSON.stringify(software)}`;
      if (!byState.has(key)) {
        trust ??= this.trust();
        byState.set(key, this.verdict(desired, delivery, deviceState(device.tags, name, installed, software), trust, at));
      }
      return key;
    });
    const settled = new Map(await Promise.all([...byState].map(async ([key, verdict]) => [key, await verdict] as const)));
    return keys.map((key) => (key === undefined ? undefined : settled.get(key)));
  }

  private async verdict(desired: DesiredVersion, delivery: PackageDelivery, device: DeviceState, trusting: Promise<Trust | Refusal>, at: string): Promise<PackageVerdict> {
    const trust = await trusting;
    if (!('roots' in trust)) return refusedVerdict(trust);
    const verified = verifySignedManifest({ signedManifest: delivery.signedManifest, trustedRoots: trust.roots, revocationList: trust.revocationList, device, now: at });
    if (!verified.ok) return refusedVerdict(verified);
    const { manifest } = verified;
    const { name, version } = manifest.updateId;
    // The fleet reports the command's version once installed: a manifest of another update would be misreported.
    if (name !== desired.updateName || version !== desired.version) {
      return refusedVerdict(refuse('malformed', `the command installs ${desired.updateName} ${desired.version}, the signed manifest is ${name} ${version}`));
    }
    const files = await this.files(desired.commandId, delivery, manifest, device.installed[name]?.version ?? '');
    if (!files.ok) return refusedVerdict(files);
    const { ok: _ok, ...delivered } = files;
    return { delivery: delivered, release: { updateName: name, releaseCounter: manifest.releaseCounter } };
  }

  private files(commandId: string, delivery: PackageDelivery, manifest: UpdateManifest, installedVersion: string): Promise<FilesDelivered> {
    // Devices that hold no delta's base all get the full files: one cache entry for them.
    const isBase = manifest.files.some((file) => file.deltas?.some((delta) => delta.baseVersion === installedVersion));
    const key = `${commandId}\0${isBase ? installedVersion : ''}`;
    let files = this.fileDeliveries.get(key);
    if (!files) {
      files = deliverFiles(manifest, delivery, installedVersion, (path) => this.source.download(path));
      if (this.fileDeliveries.size >= fileCacheLimit) this.fileDeliveries.delete(this.fileDeliveries.keys().next().value!);
      this.fileDeliveries.set(key, files);
    }
    return files;
  }

  private async trust(): Promise<Trust | Refusal> {
    try {
      return await this.source.trust();
    } catch (err) {
      return refuse('untrusted-certificate', `the device has no trust anchors: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private tagKey(tags: Readonly<Record<string, string>>): string {
    let key = this.tagKeys.get(tags);
    if (key === undefined) {
      key = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.tagKeys.set(tags, key);
    }
    return key;
  }
}

/** The model is a tag like the others; the verifier takes it apart from the rest. */
function deviceState(tags: Readonly<Record<string, string>>, updateName: string, installed: InstalledUpdate, software: Record<string, string>): DeviceState {
  const { model = '', ...properties } = tags;
  // Other software counts for prerequisites; its release counters are not tracked (0).
  const others = Object.fromEntries(Object.entries(software).map(([name, version]) => [name, { version, releaseCounter: 0 }]));
  return { model, properties, installed: { ...others, [updateName]: installed } };
}

/** Read before verifying, only to pick the installed update to compare with; the verifier then checks it all. */
function signedUpdateName(signedManifest: string): string | undefined {
  const decoded = decodeJws(signedManifest);
  if (!decoded.ok) return undefined;
  const manifest = parseJsonBytes(decoded.jws.payload);
  const updateId = isRecord(manifest) ? manifest.updateId : undefined;
  return isRecord(updateId) && typeof updateId.name === 'string' ? updateId.name : undefined;
}
