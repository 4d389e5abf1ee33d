/**
 * The local IoT Hub's state: device identities and their twins, as IoT Hub keeps them, plus the hooks the
 * protocol front-ends (HTTPS for the service SDK, MQTT for devices) and the virtual devices share. One instance per
 * hub; everything here is synchronous and in memory (persistence listens to `onChange`).
 *
 * Twin semantics followed here (IoT Hub's): tags and desired properties are written by the service, reported
 * properties by the device; a patch is a JSON merge patch (null removes a key); desired and reported each carry a
 * `$version` that grows by one per patch; the twin `etag` changes when tags or desired properties change (what
 * `If-Match` guards), `version` on every change.
 */
import { randomBytes } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface DeviceIdentity {
  deviceId: string;
  generationId: string;
  etag: string;
  status: 'enabled' | 'disabled';
  statusReason?: string;
  primaryKey: string;
  secondaryKey: string;
  /** A virtual device (in memory, no socket) rather than one that connects over MQTT. */
  virtual: boolean;
  createdMs: number;
}

export interface TwinState {
  deviceId: string;
  etag: string;
  version: number;
  tags: JsonObject;
  desired: JsonObject;
  desiredVersion: number;
  reported: JsonObject;
  reportedVersion: number;
  /** Hub clock (ms) of the last desired and reported changes; surfaced as `$metadata.$lastUpdated`. */
  desiredUpdatedMs: number;
  reportedUpdatedMs: number;
}

export type HubChange =
  | { type: 'identity'; identity: DeviceIdentity }
  | { type: 'identityDeleted'; deviceId: string }
  | { type: 'twin'; twin: TwinState };

export interface DesiredPatchEvent {
  deviceId: string;
  /** The merge patch as applied, with `$version` set (what MQTT pushes to the device). */
  patch: JsonObject;
  twin: TwinState;
}

export interface TelemetryMessage {
  deviceId: string;
  body: Buffer;
  /** Application and system properties of the message (`$.ct`, `$.ce`, … as sent). */
  properties: Record<string, string>;
  /** Hub clock (ms) at enqueue. */
  enqueuedMs: number;
}

/** A device method call as the hub forwards it; the handler answers or rejects (offline, timeout). */
export type MethodHandler = (methodName: string, payload: Json, timeoutMs: number) => Promise<{ status: number; payload: Json }>;

export class HubError extends Error {
  override name = 'HubError';
  constructor(
    readonly status: number,
    /** IoT Hub error code, e.g. DeviceNotFound, DeviceAlreadyExists, PreconditionFailed. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Random bytes drawn from a pool: one randomBytes call per device costs more than the rest of provisioning it.
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function random(size: number): Buffer {
  if (randomOffset + size > randomPool.length) [randomPool, randomOffset] = [randomBytes(8192), 0];
  randomOffset += size;
  return randomPool.subarray(randomOffset - size, randomOffset);
}

const newEtag = (): string => random(6).toString('base64');
export const newDeviceKey = (): string => random(32).toString('base64');

/** JSON merge patch (RFC 7396) into `target`, in place; returns target. */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    // `$` keys are IoT Hub's own; `__proto__` would write into Object.prototype.
    if (key.startsWith('$') || key === '__proto__') continue;
    if (value === null) delete target[key];
    else if (isObject(value)) {
      const current = target[key];
      target[key] = mergePatch(isObject(current) ? current : {}, value);
    } else target[key] = value;
  }
  return target;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class HubState {
  readonly identities = new Map<string, DeviceIdentity>();
  readonly twins = new Map<string, TwinState>();
  readonly connected = new Set<string>();
  private readonly changeListeners = new Set<(change: HubChange) => void>();
  private readonly desiredListeners = new Set<(event: DesiredPatchEvent) => void>();
  private readonly telemetryListeners = new Set<(message: TelemetryMessage) => void>();
  private readonly methodHandlers = new Map<string, MethodHandler>();
  private methodFallback: ((deviceId: string) => MethodHandler | undefined) | undefined;
  private readonly beforeReadHooks = new Set<() => void>();

  /**
   * `now` is the hub clock (ms since the epoch): the host clock when given, so virtual devices and quotas follow it.
   * `tokenNow` is the clock SAS expiry is checked on: clients sign their tokens on real clocks, so a hub clock that
   * was skipped ahead must not expire them (default: the hub clock).
   */
  readonly tokenNow: () => number;

  constructor(readonly now: () => number = Date.now, tokenNow?: () => number) {
    this.tokenNow = tokenNow ?? now;
  }

  // ---- identities -------------------------------------------------------------------------------------------

  createIdentity(input: { deviceId: string; primaryKey?: string; secondaryKey?: string; status?: 'enabled' | 'disabled'; virtual?: boolean; tags?: JsonObject }): DeviceIdentity {
    if (this.identities.has(input.deviceId)) throw new HubError(409, 'DeviceAlreadyExists', `A device with ID '${input.deviceId}' is already registered.`);
    const identity: DeviceIdentity = {
      deviceId: input.deviceId,
      generationId: random(9).toString('hex'),
      etag: newEtag(),
      status: input.status ?? 'enabled',
      primaryKey: input.primaryKey || newDeviceKey(),
      secondaryKey: input.secondaryKey || newDeviceKey(),
      virtual: input.virtual ?? false,
      createdMs: this.now(),
    };
    this.identities.set(identity.deviceId, identity);
    const twin: TwinState = {
      deviceId: identity.deviceId, etag: newEtag(), version: 1, tags: input.tags ?? {},
      desired: {}, desiredVersion: 1, reported: {}, reportedVersion: 1, desiredUpdatedMs: identity.createdMs, reportedUpdatedMs: identity.createdMs,
    };
    this.twins.set(identity.deviceId, twin);
    this.emit({ type: 'identity', identity });
    this.emit({ type: 'twin', twin });
    return identity;
  }

  updateIdentity(deviceId: string, change: { primaryKey?: string; secondaryKey?: string; status?: 'enabled' | 'disabled'; statusReason?: string }, ifMatch?: string): DeviceIdentity {
    const identity = this.requireIdentity(deviceId);
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== identity.etag) throw new HubError(412, 'PreconditionFailed', `Precondition failed: device ${deviceId} has changed.`);
    if (change.primaryKey) identity.primaryKey = change.primaryKey;
    if (change.secondaryKey) identity.secondaryKey = change.secondaryKey;
    if (change.status) identity.status = change.status;
    if (change.statusReason !== undefined) identity.statusReason = change.statusReason;
    identity.etag = newEtag();
    this.emit({ type: 'identity', identity });
    return identity;
  }

  deleteIdentity(deviceId: string, ifMatch?: string): void {
    const identity = this.requireIdentity(deviceId);
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== identity.etag) throw new HubError(412, 'PreconditionFailed', `Precondition failed: device ${deviceId} has changed.`);
    this.identities.delete(deviceId);
    this.twins.delete(deviceId);
    this.connected.delete(deviceId);
    this.emit({ type: 'identityDeleted', deviceId });
  }

  requireIdentity(deviceId: string): DeviceIdentity {
    const identity = this.identities.get(deviceId);
    if (!identity) throw new HubError(404, 'DeviceNotFound', `Device ${deviceId} not registered.`);
    return identity;
  }

  // ---- twins ---------------------------------------------------------------------------------------------------

  requireTwin(deviceId: string): TwinState {
    const twin = this.twins.get(deviceId);
    if (!twin) throw new HubError(404, 'DeviceNotFound', `Device ${deviceId} not registered.`);
    return twin;
  }

  /** Service side: tags and/or desired properties, guarded by the twin etag (`*` or undefined: unconditional). */
  patchTwin(deviceId: string, patch: { tags?: JsonObject; desired?: JsonObject }, ifMatch?: string): TwinState {
    const twin = this.requireTwin(deviceId);
    if (ifMatch !== undefined && ifMatch !== '*' && unquote(ifMatch) !== twin.etag) {
      throw new HubError(412, 'PreconditionFailed', `Precondition failed: the twin of ${deviceId} has etag ${twin.etag}.`);
    }
    // Virtual devices of one profile group share a frozen tags object: the first change gets the twin its own copy.
    if (patch.tags) twin.tags = mergePatch(Object.isFrozen(twin.tags) ? structuredClone(twin.tags) : twin.tags, patch.tags);
    let desiredPatch: JsonObject | undefined;
    if (patch.desired && Object.keys(patch.desired).some((k) => !k.startsWith('$'))) {
      mergePatch(twin.desired, patch.desired);
      twin.desiredVersion++;
      twin.desiredUpdatedMs = this.now();
      desiredPatch = { ...structuredClone(patch.desired), $version: twin.desiredVersion };
    }
    twin.etag = newEtag();
    twin.version++;
    this.emit({ type: 'twin', twin });
    if (desiredPatch) for (const listener of this.desiredListeners) listener({ deviceId, patch: desiredPatch, twin });
    return twin;
  }

  /** Service side: replaces tags and desired properties (PUT /twins/{id}). */
  replaceTwin(deviceId: string, replacement: { tags?: JsonObject; desired?: JsonObject }, ifMatch?: string): TwinState {
    const twin = this.requireTwin(deviceId);
    const removals = (current: JsonObject, next: JsonObject | undefined): JsonObject | undefined =>
      next && { ...Object.fromEntries(Object.keys(current).filter((k) => !(k in next)).map((k) => [k, null])), ...next };
    return this.patchTwin(deviceId, { ...(replacement.tags ? { tags: removals(twin.tags, replacement.tags)! } : {}), ...(replacement.desired ? { desired: removals(twin.desired, replacement.desired)! } : {}) }, ifMatch);
  }

  /** Device side: a reported-properties merge patch; returns the new reported `$version`. */
  patchReported(deviceId: string, patch: JsonObject): number {
    const twin = this.requireTwin(deviceId);
    mergePatch(twin.reported, patch);
    twin.reportedVersion++;
    twin.reportedUpdatedMs = this.now();
    twin.version++;
    this.emit({ type: 'twin', twin });
    return twin.reportedVersion;
  }

  /** Called before twins are read (get, query), so virtual devices can report what has happened by now. */
  onBeforeRead(hook: () => void): () => void {
    this.beforeReadHooks.add(hook);
    return () => this.beforeReadHooks.delete(hook);
  }

  settle(): void {
    for (const hook of this.beforeReadHooks) hook();
  }

  // ---- events ---------------------------------------------------------------------------------------------------

  onChange(listener: (change: HubChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onDesiredPatch(listener: (event: DesiredPatchEvent) => void): () => void {
    this.desiredListeners.add(listener);
    return () => this.desiredListeners.delete(listener);
  }

  onTelemetry(listener: (message: TelemetryMessage) => void): () => void {
    this.telemetryListeners.add(listener);
    return () => this.telemetryListeners.delete(listener);
  }

  sendTelemetry(deviceId: string, body: Buffer, properties: Record<string, string>): void {
    const message: TelemetryMessage = { deviceId, body, properties, enqueuedMs: this.now() };
    for (const listener of this.telemetryListeners) listener(message);
  }

  // ---- connections and direct methods ------------------------------------------------------------------------------

  /** A connection (MQTT or virtual) that answers direct methods for the device; returns the unregister function. */
  setMethodHandler(deviceId: string, handler: MethodHandler): () => void {
    this.methodHandlers.set(deviceId, handler);
    return () => {
      if (this.methodHandlers.get(deviceId) === handler) this.methodHandlers.delete(deviceId);
    };
  }

  /**
   * Answers methods for devices without a handler of their own: the virtual devices share one, rather than
   * registering 100,000. Returns undefined for a device that is not online. Returns the unregister function.
   */
  setMethodFallback(fallback: (deviceId: string) => MethodHandler | undefined): () => void {
    this.methodFallback = fallback;
    return () => {
      if (this.methodFallback === fallback) this.methodFallback = undefined;
    };
  }

  /** 404 DeviceNotOnline when no connection answers methods for the device; 504 GatewayTimeout after `timeoutMs`. */
  async invokeMethod(deviceId: string, methodName: string, payload: Json, timeoutMs: number): Promise<{ status: number; payload: Json }> {
    this.requireIdentity(deviceId);
    const handler = this.methodHandlers.get(deviceId) ?? this.methodFallback?.(deviceId);
    if (!handler) throw new HubError(404, 'DeviceNotOnline', `Device ${deviceId} is not online.`);
    return handler(methodName, payload, timeoutMs);
  }

  /** Online as IoT Hub reports it: an MQTT connection, or a virtual device the method fallback answers for. */
  isConnected(deviceId: string): boolean {
    return this.connected.has(deviceId) || this.methodHandlers.has(deviceId) || this.methodFallback?.(deviceId) !== undefined;
  }

  setConnected(deviceId: string, connected: boolean): void {
    if (connected) this.connected.add(deviceId);
    else this.connected.delete(deviceId);
  }

  private emit(change: HubChange): void {
    for (const listener of this.changeListeners) listener(change);
  }
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}
