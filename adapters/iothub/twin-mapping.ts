/**
 * Twins (as the hub returns them from queries and reads) to the port's device views, following the twin contract
 * (docs/device-twin-contract.md): tags are the service's, `properties.reported.ota` the device's, and
 * `properties.desired.ota.command` what the service last sent. Anything malformed is read as absent, not trusted.
 */
import type { DeviceDetails, DeviceReport, DeviceSummary, InstallState } from '../../domain/fleet/device';

type Json = Record<string, unknown>;

const states: readonly InstallState[] = ['idle', 'downloading', 'installing', 'succeeded', 'failed'];

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(object(value) ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** `properties.reported.ota` of a full twin, or the `ota` column of a `SELECT deviceId, properties.reported.ota` row. */
export function reportedOta(row: unknown): Json | undefined {
  const r = object(row);
  return object(object(object(r?.properties)?.reported)?.ota) ?? object(r?.ota);
}

function desiredCommand(row: unknown): Json | undefined {
  return object(object(object(object(object(row)?.properties)?.desired)?.ota)?.command);
}

export function deviceIdOf(row: unknown): string | undefined {
  return text(object(row)?.deviceId);
}

export function toSummary(twin: unknown): DeviceSummary | undefined {
  const deviceId = deviceIdOf(twin);
  if (!deviceId) return undefined;
  const ota = reportedOta(twin);
  const software = object(ota?.software);
  return {
    deviceId,
    tags: strings(object(twin)?.tags),
    installedVersion: text(ota?.installedVersion) ?? '',
    ...(software ? { software: strings(software) } : {}),
  };
}

/**
 * The projection of a summary: IoT Hub's query language (and the local hub) names a projected path by its alias, and
 * leaves out a path the twin lacks, so a device that never reported has no `installedVersion` key.
 */
export const summaryColumns = 'deviceId, tags, properties.reported.ota.installedVersion AS installedVersion, properties.reported.ota.software AS software';

/** A row of `SELECT ${summaryColumns}` as a summary, read as toSummary reads a whole twin. */
export function projectedSummary(row: unknown): DeviceSummary | undefined {
  const deviceId = deviceIdOf(row);
  if (!deviceId) return undefined;
  const r = object(row);
  const software = object(r?.software);
  return {
    deviceId,
    tags: strings(r?.tags),
    installedVersion: text(r?.installedVersion) ?? '',
    ...(software ? { software: strings(software) } : {}),
  };
}

/** The device's report, or undefined when it has not reported (a readable `state`) yet. */
export function toReport(row: unknown): DeviceReport | undefined {
  const deviceId = deviceIdOf(row);
  const ota = reportedOta(row);
  const state = text(ota?.state) as InstallState | undefined;
  if (!deviceId || !ota || !state || !states.includes(state)) return undefined;
  const commandId = text(ota.commandId);
  const error = errorText(ota.error);
  return {
    deviceId,
    installedVersion: text(ota.installedVersion) ?? '',
    state,
    healthy: ota.healthy !== false,
    lastReportAt: text(ota.at),
    ...(commandId ? { commandId } : {}),
    ...(error ? { error } : {}),
  };
}

export function toDetails(twin: unknown): DeviceDetails | undefined {
  const summary = toSummary(twin);
  if (!summary) return undefined;
  const report = toReport(twin);
  const command = desiredCommand(twin);
  const desiredCommandId = text(command?.id);
  const delivery = object(reportedOta(twin)?.delivery);
  const kind = text(delivery?.kind);
  const detail = text(delivery?.detail);
  return {
    ...summary,
    state: report?.state ?? 'idle',
    healthy: report?.healthy ?? true,
    lastReportAt: report?.lastReportAt,
    desiredVersion: text(object(command?.update)?.version),
    ...(desiredCommandId ? { desiredCommandId } : {}),
    ...(report?.commandId ? { commandId: report.commandId } : {}),
    ...(report?.error ? { error: report.error } : {}),
    ...(kind === 'delta' || kind === 'full' || kind === 'refused'
      ? { lastDelivery: { kind, bytes: typeof delivery?.bytes === 'number' ? delivery.bytes : 0, ...(detail ? { detail } : {}) } }
      : {}),
  };
}

/** `{ code, message }` → `code: message`; a cleared error (`null`) is none. */
function errorText(value: unknown): string | undefined {
  const error = object(value);
  if (!error) return text(value) || undefined;
  const code = text(error.code);
  const message = text(error.message);
  return code && message ? `${code}: ${message}` : code ?? message;
}
