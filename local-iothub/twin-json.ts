/**
 * The hub's records as IoT Hub's REST API shapes them (api-version 2021-04-12): device identities for the registry,
 * twins for GET/PATCH /twins and query results, and a lighter row that queries test conditions against.
 *
 * Not tracked, hence fixed: per-property `$metadata` (only the section's `$lastUpdated`), status and connection
 * state update times, cloud-to-device message counts; authentication is always SAS.
 */
import type { DeviceIdentity, HubState, JsonObject, TwinState } from './hub-state';

/** IoT Hub's "never" for times it has not recorded. */
export const neverIso = '0001-01-01T00:00:00Z';

export const toIso = (ms: number): string => new Date(ms).toISOString();

const x509None = { primaryThumbprint: null, secondaryThumbprint: null };

export function identityJson(identity: DeviceIdentity, state: HubState): JsonObject {
  return {
    deviceId: identity.deviceId,
    generationId: identity.generationId,
    etag: identity.etag,
    connectionState: state.isConnected(identity.deviceId) ? 'Connected' : 'Disconnected',
    status: identity.status,
    statusReason: identity.statusReason ?? null,
    connectionStateUpdatedTime: neverIso,
    statusUpdatedTime: neverIso,
    lastActivityTime: neverIso,
    cloudToDeviceMessageCount: 0,
    authentication: { symmetricKey: { primaryKey: identity.primaryKey, secondaryKey: identity.secondaryKey }, x509Thumbprint: { ...x509None }, type: 'sas' },
    capabilities: { iotEdge: false },
  };
}

/** Device activity the hub sees: its reported properties (the initial empty set is not activity). */
function lastActivity(twin: TwinState): string {
  return twin.reportedVersion > 1 ? toIso(twin.reportedUpdatedMs) : neverIso;
}

export function twinJson(twin: TwinState, identity: DeviceIdentity | undefined, state: HubState): JsonObject {
  return {
    deviceId: twin.deviceId,
    modelId: '',
    etag: twin.etag,
    deviceEtag: identity?.etag ?? '',
    status: identity?.status ?? 'enabled',
    ...(identity?.statusReason ? { statusReason: identity.statusReason } : {}),
    statusUpdateTime: neverIso,
    connectionState: state.isConnected(twin.deviceId) ? 'Connected' : 'Disconnected',
    lastActivityTime: lastActivity(twin),
    cloudToDeviceMessageCount: 0,
    authenticationType: 'sas',
    x509Thumbprint: { ...x509None },
    version: twin.version,
    tags: twin.tags,
    properties: {
      desired: { ...twin.desired, $metadata: { $lastUpdated: toIso(twin.desiredUpdatedMs), $lastUpdatedVersion: twin.desiredVersion }, $version: twin.desiredVersion },
      reported: { ...twin.reported, $metadata: { $lastUpdated: toIso(twin.reportedUpdatedMs) }, $version: twin.reportedVersion },
    },
    capabilities: { iotEdge: false },
  };
}

/**
 * What a query's WHERE and GROUP BY read: the twin's fields without copying its properties, so a scan of 100,000
 * twins allocates two small objects per twin. Conditions on `$version` and `$metadata` are therefore not supported.
 */
export function twinRow(twin: TwinState, identity: DeviceIdentity | undefined, state: HubState): JsonObject {
  return {
    deviceId: twin.deviceId,
    etag: twin.etag,
    deviceEtag: identity?.etag ?? '',
    version: twin.version,
    status: identity?.status ?? 'enabled',
    connectionState: state.isConnected(twin.deviceId) ? 'Connected' : 'Disconnected',
    authenticationType: 'sas',
    tags: twin.tags,
    properties: { desired: twin.desired, reported: twin.reported },
  };
}
