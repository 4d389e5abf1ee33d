/**
 * The desired `ota.command` of the twin contract (docs/device-twin-contract.md), built from the port's
 * DesiredVersion, and the desired-properties patch that writes it.
 *
 * A twin patch is a JSON merge patch: keys missing from a new command would keep the previous command's values
 * (a restore without a package would inherit the install's manifest and files). The patch therefore names every
 * optional key, with `null` (remove) where the new command has none.
 */
import type { DesiredVersion, PackageFile } from '../../domain/fleet/fleet-port';

export interface CommandFile {
  fileName: string;
  /** Absent for a container image (pulled from its registry by the digest the manifest binds). */
  url?: string;
  sizeInBytes: number;
  sha256: string;
  deltas: { baseVersion: string; url: string; sizeInBytes: number; sha256: string }[];
}

export interface OtaCommand {
  id: string;
  kind: 'install' | 'restore';
  rolloutId: string;
  update: { provider?: string; name: string; version: string };
  signedManifest?: string;
  files?: CommandFile[];
}

/** A read-only, short-lived URL for a package-store path. */
export type UrlFor = (path: string) => Promise<string>;

/** IoT Hub refuses desired properties over 32 KB and string values over 4 KB (docs/azure-facts.md, "Throttles"). */
export const twinLimits = { desiredBytes: 32 * 1024, stringBytes: 4 * 1024 };

export async function buildCommand(desired: DesiredVersion, urlFor: UrlFor): Promise<OtaCommand> {
  const delivery = desired.package;
  return {
    id: desired.commandId,
    kind: desired.kind,
    rolloutId: desired.rolloutId,
    update: { ...(desired.provider ? { provider: desired.provider } : {}), name: desired.updateName, version: desired.version },
    ...(delivery ? { signedManifest: delivery.signedManifest, files: await Promise.all(delivery.files.map((file) => commandFile(file, urlFor))) } : {}),
  };
}

async function commandFile(file: PackageFile, urlFor: UrlFor): Promise<CommandFile> {
  return {
    fileName: file.fileName,
    ...(file.path ? { url: await urlFor(file.path) } : {}),
    sizeInBytes: file.sizeInBytes,
    sha256: file.sha256,
    deltas: await Promise.all(file.deltas.map(async (d) => ({ baseVersion: d.baseVersion, url: await urlFor(d.path), sizeInBytes: d.sizeInBytes, sha256: d.sha256 }))),
  };
}

/** `properties.desired` patch that replaces the device's command whatever it had before. */
export function desiredPatch(command: OtaCommand): { ota: { command: Record<string, unknown> } } {
  checkTwinLimits(command);
  return {
    ota: {
      command: {
        ...command,
        update: { provider: null, ...command.update },
        signedManifest: command.signedManifest ?? null,
        files: command.files ?? null,
      },
    },
  };
}

/** Fails before sending what the hub would refuse for every device, with the reason. */
export function checkTwinLimits(command: OtaCommand): void {
  const size = Buffer.byteLength(JSON.stringify({ ota: { command } }));
  if (size > twinLimits.desiredBytes) {
    throw new Error(`Command ${command.id} is ${size} bytes: IoT Hub takes at most ${twinLimits.desiredBytes} bytes of desired properties.`);
  }
  const long = longStrings(command, 'command').find(([, bytes]) => bytes > twinLimits.stringBytes);
  if (long) throw new Error(`Command ${command.id}: ${long[0]} is ${long[1]} bytes; IoT Hub takes at most ${twinLimits.stringBytes} bytes per string value.`);
}

function longStrings(value: unknown, path: string): [string, number][] {
  if (typeof value === 'string') return [[path, Buffer.byteLength(value)]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => longStrings(inner, `${path}.${key}`));
}
