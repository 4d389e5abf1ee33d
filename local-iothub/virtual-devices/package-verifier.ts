/**
 * The virtual devices' update agent for signed packages: before installing, a device checks the signed manifest
 * with the device-side verifier (what a real device runs) against its own state (model and other tags, installed
 * versions and release counters), then fetches and checks the files. Devices in the same state reach the same
 * verdict, so a batch is verified once per (command, device state) and files are fetched once per (command, base
 * version): a 100,000-device batch costs a handful of downloads, not 100,000.
 */
import type { Json } from '../hub-state';
import { refuse, type Refusal } from '../../device-agent/refusal';
import { verifySignedManifest, type DeviceState, type InstalledUpdate, type VerifyUpdateInput } from '../../device-agent/verify-update';
import { deliverFiles, type DeliveryFailure, type Download, type FilesDelivered, type ReadOwnFile, type UpdateManifest } from './file-delivery';
import type { OtaCommand } from './ota-command';

export type PublicJwk = VerifyUpdateInput['trustedRoots'][number];

export interface Trust {
  roots: PublicJwk[];
  revocationList?: string;
}

/** The root keys devices trust and the newest revocation list; rejects when signing is not set up. */
export type TrustSource = () => Promise<Trust>;

/** A device as the verifier sees it. */
export interface DeviceUnderCheck {
  /** The twin's tags: `model` is checked apart, the other string tags are compatibility properties. */
  tags: Readonly<Record<string, Json>>;
  /** The update name the command is about. */
  update: string;
  /** Everything the device runs by update name, the command's update included. */
  installed: Record<string, InstalledUpdate>;
}

export type Verdict =
  | { ok: true; delivery: { kind: 'delta' | 'full'; bytes: number }; releaseCounter: number }
  | { ok: false; code: DeliveryFailure['code']; message: string };

type Decided = (Extract<FilesDelivered, { ok: true }> & { releaseCounter: number }) | DeliveryFailure;

// Verdicts and deliveries are small, but a long-running hub sees many commands: keep the recent ones only.
const verdictsKept = 1024;
const deliveriesKept = 256;
const trustsKept = 64;

export class PackageVerifier {
  private readonly verdicts = new Map<string, Promise<Verdict>>();
  /** By command and base version: shared by every device of a batch on that base. */
  private readonly deliveries = new Map<string, Promise<FilesDelivered>>();
  /** Asked once per command, so a new command sees a new revocation list. */
  private readonly trusts = new Map<string, Promise<Trust | Refusal>>();
  /** Profile groups share one frozen tags object: its key is computed once per group (others may change). */
  private readonly tagKeys = new WeakMap<object, string>();

  constructor(private readonly options: { trust?: TrustSource; download: Download; readOwn: ReadOwnFile; log: (line: string) => void }) {}

  /** Never rejects: a bad package, a failed download or missing trust anchors are verdicts the device reports. */
  verdict(command: OtaCommand, device: DeviceUnderCheck, at: string): Promise<Verdict> {
    const key = `${command.id}\0${this.tagKey(device.tags)}\0${device.update}\0${JSON.stringify(device.installed)}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = this.decide(command, device, at).then((decided) => {
        this.options.log(`virtual devices: command ${command.id} on ${device.update} ${device.installed[device.update]?.version ?? '(none)'}: ${describe(decided)}`);
        return decided.ok ? { ok: true, delivery: { kind: decided.kind, bytes: decided.bytes }, releaseCounter: decided.releaseCounter } : { ok: false, code: decided.code, message: decided.reason };
      });
      remember(this.verdicts, key, verdict, verdictsKept);
    }
    return verdict;
  }

  private async decide(command: OtaCommand, device: DeviceUnderCheck, at: string): Promise<Decided> {
    if (command.signedManifest === undefined) return refuse('malformed', 'the command has files but no signed manifest to verify them with');
    const trust = await this.trust(command.id);
    if (!('roots' in trust)) return trust;
    const verified = verifySignedManifest({ signedManifest: command.signedManifest, trustedRoots: trust.roots, revocationList: trust.revocationList, device: deviceState(device), now: at });
    if (!verified.ok) return verified;
    const { manifest } = verified;
    const { name, version } = manifest.updateId;
    // The device reports the command's version once installed: a manifest of another update would be misreported.
    if (name !== device.update || version !== command.update.version) {
      return refuse('malformed', `the command installs ${device.update} ${command.update.version}, the signed manifest is ${name} ${version}`);
    }
    const files = await this.files(command, manifest, device.installed[name]?.version ?? '');
    return files.ok ? { ...files, releaseCounter: manifest.releaseCounter } : files;
  }

  private files(command: OtaCommand, manifest: UpdateManifest, installedVersion: string): Promise<FilesDelivered> {
    // Devices that hold no delta's base all get the full files: one entry for them.
    const isBase = manifest.files.some((file) => file.deltas?.some((delta) => delta.baseVersion === installedVersion));
    const key = `${command.id}\0${isBase ? installedVersion : ''}`;
    let files = this.deliveries.get(key);
    if (!files) {
      files = deliverFiles(manifest, command.files, installedVersion, this.options.download, this.options.readOwn);
      remember(this.deliveries, key, files, deliveriesKept);
    }
    return files;
  }

  private trust(commandId: string): Promise<Trust | Refusal> {
    let trust = this.trusts.get(commandId);
    if (!trust) {
      const source = this.options.trust;
      trust = source
        ? source().catch((err: unknown) => refuse('untrusted-certificate', `the device has no trust anchors: ${err instanceof Error ? err.message : String(err)}`))
        : Promise.resolve(refuse('untrusted-certificate', 'the device has no trust anchors: manifest signing is not set up for the local hub'));
      remember(this.trusts, commandId, trust, trustsKept);
    }
    return trust;
  }

  private tagKey(tags: Readonly<Record<string, Json>>): string {
    let key = this.tagKeys.get(tags);
    if (key === undefined) {
      key = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      if (Object.isFrozen(tags)) this.tagKeys.set(tags, key);
    }
    return key;
  }
}

/** The model is a tag like the others; the verifier takes it apart from the rest (string tags only). */
function deviceState(device: DeviceUnderCheck): DeviceState {
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(device.tags)) if (typeof value === 'string' && name !== 'model') properties[name] = value;
  const model = typeof device.tags.model === 'string' ? device.tags.model : '';
  return { model, properties, installed: device.installed };
}

function describe(decided: Decided): string {
  if (!decided.ok) return `refused (${decided.code}): ${decided.reason}`;
  return `${decided.kind}, ${decided.bytes} bytes${decided.detail ? ` (${decided.detail})` : ''}`;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  if (map.size >= limit) map.delete(map.keys().next().value!);
  map.set(key, value);
}
