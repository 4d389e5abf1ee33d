/**
 * One device's MQTT 3.1.1 connection, answered the way IoT Hub answers: CONNECT with a SAS token, the twin and
 * method topics, telemetry. Everything it holds is per connection and bounded, since a second connection with the
 * same device id takes over while this one is still closing.
 */
import type { TLSSocket } from 'node:tls';
import * as mqttPacket from 'mqtt-packet';
import { HubError, type HubState, type Json, type JsonObject } from '../hub-state';
import { verifySas } from '../sas';
import { PacketFramer } from './framer';
import { checkReportedPatch } from './reported-patch';
import { DESIRED_PATCHES, METHOD_REQUESTS, TWIN_RESPONSES, isDeviceFilter, isTopicSafeMethodName, parseDevicePublish, parseUserName } from './topics';

export const MAX_PACKET_BYTES = 256 * 1024;
/** IoT Hub's longest keep-alive; a client asking for none or more gets this one. */
export const MAX_KEEPALIVE_SECONDS = 1177;
export const CONNECT_TIMEOUT_MS = 30_000;
const MAX_INFLIGHT = 64;
const MAX_PENDING_METHODS = 64;
/** A device that stops reading while the hub writes to it is dropped rather than buffered for. */
const MAX_WRITE_BUFFER_BYTES = 1024 * 1024;

export type AdmitOperation = 'deviceConnection' | 'telemetry';

export interface ConnectionContext {
  state: HubState;
  hostName: string;
  admit(op: AdmitOperation): boolean;
  log(line: string): void;
  /** Called once the device is authenticated, before CONNACK: closes an older connection of the same device. */
  authenticated(connection: DeviceConnection): void;
  closed(connection: DeviceConnection): void;
}

interface PendingMethod {
  resolve(result: { status: number; payload: Json }): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type Phase = 'awaitingConnect' | 'open' | 'closed';
/** How a connection ends: only an unexpected loss publishes the device's will message. */
type Ending = 'lost' | 'disconnected' | 'refused' | 'takenOver' | 'stopped';

export class DeviceConnection {
  deviceId: string | undefined;
  private phase: Phase = 'awaitingConnect';
  private readonly framer = new PacketFramer(MAX_PACKET_BYTES);
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 });
  private readonly startedMs = performance.now();
  private lastReceivedMs = this.startedMs;
  private keepaliveTimeoutMs = 0;
  private tokenExpiryMs = 0;
  private will: { topic: string; payload: Buffer; retain: boolean } | undefined;
  /** Granted QoS per subscribed filter; only the four device filters can be here. */
  private readonly subscriptions = new Map<string, 0 | 1>();
  private readonly inflight = new Set<number>();
  private nextMessageId = 0;
  private readonly pendingMethods = new Map<string, PendingMethod>();
  private nextRid = 0;
  private unregisterMethods: (() => void) | undefined;

  constructor(
    private readonly socket: TLSSocket,
    private readonly context: ConnectionContext,
  ) {
    socket.setNoDelay(true);
    this.parser.on('packet', (packet) => this.guard(() => this.handle(packet)));
    this.parser.on('error', (error: Error) => this.close('lost', `malformed packet: ${error.message}`));
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('error', (error) => this.close('lost', `socket error: ${error.message}`));
    socket.on('close', () => this.close('lost', 'connection closed by the device'));
  }

  private get isLive(): boolean {
    return this.phase !== 'closed';
  }

  /** Called about once a second by the server: CONNECT arrival, keep-alive (1.5 × the client's) and token expiry. */
  sweep(monotonicMs: number, hubNowMs: number): void {
    if (this.phase === 'awaitingConnect' && monotonicMs - this.startedMs > CONNECT_TIMEOUT_MS) this.close('lost', 'no CONNECT in time');
    else if (this.phase !== 'open') return;
    else if (monotonicMs - this.lastReceivedMs > this.keepaliveTimeoutMs) this.close('lost', 'keep-alive expired');
    // IoT Hub disconnects a device whose SAS token expires; the SDKs reconnect with a new one.
    else if (hubNowMs >= this.tokenExpiryMs) this.close('lost', 'SAS token expired');
  }

  /** A desired-properties patch (with `$version`), delivered when the device subscribed to the desired topic. */
  pushDesired(patch: JsonObject): void {
    this.publish(DESIRED_PATCHES, `$iothub/twin/PATCH/properties/desired/?$version=${String(patch.$version)}`, JSON.stringify(patch));
  }

  close(ending: Ending, reason: string): void {
    if (this.phase === 'closed') return;
    const wasOpen = this.phase === 'open';
    this.phase = 'closed';
    this.context.log(`mqtt ${this.deviceId ?? '(unauthenticated)'}: closed (${reason})`);
    this.unregisterMethods?.();
    for (const pending of this.pendingMethods.values()) {
      clearTimeout(pending.timer);
      pending.reject(new HubError(404, 'DeviceNotOnline', `Device ${this.deviceId} disconnected before answering.`));
    }
    this.pendingMethods.clear();
    if (wasOpen && ending === 'lost' && this.will) this.publishWill(this.will);
    if (ending === 'stopped' || ending === 'lost') this.socket.destroy();
    else {
      // Let a CONNACK or the last reply reach the device, but never wait long for a peer that does not close.
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }
    this.context.closed(this);
  }

  private receive(data: Buffer): void {
    if (this.phase === 'closed') return;
    this.lastReceivedMs = performance.now();
    let packets: Buffer[];
    try {
      packets = this.framer.push(data);
    } catch (error) {
      this.close('lost', (error as Error).message);
      return;
    }
    for (const packet of packets) {
      // Handling one packet may have closed the connection (a getter: TypeScript would keep the narrowed phase).
      if (!this.isLive) return;
      // A whole packet the parser neither emits nor rejects would leave it mid-packet: treat as malformed.
      if (this.parser.parse(packet) > 0) this.close('lost', 'malformed packet');
    }
  }

  /** A throw while answering one device closes that connection, never the server. */
  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.close('lost', `internal error: ${(error as Error).stack ?? String(error)}`);
    }
  }

  private handle(packet: mqttPacket.Packet): void {
    if (this.phase === 'closed') return;
    if (packet.cmd === 'connect') {
      if (this.phase === 'awaitingConnect') this.connect(packet);
      else this.close('lost', 'second CONNECT');
      return;
    }
    if (this.phase !== 'open') return this.close('lost', `${packet.cmd} before CONNECT`);
    switch (packet.cmd) {
      case 'publish':
        return this.onPublish(packet);
      case 'puback':
        this.inflight.delete(packet.messageId ?? -1);
        return;
      case 'subscribe':
        return this.onSubscribe(packet);
      case 'unsubscribe':
        return this.onUnsubscribe(packet);
      case 'pingreq':
        return this.send({ cmd: 'pingresp' });
      case 'disconnect':
        return this.close('disconnected', 'DISCONNECT');
      default:
        // QoS 2 flows and server-to-client packets have no place here.
        return this.close('lost', `unexpected ${packet.cmd}`);
    }
  }

  private connect(packet: mqttPacket.IConnectPacket): void {
    const { state, hostName } = this.context;
    const refuse = (returnCode: number, reason: string): void => {
      this.context.log(`mqtt CONNECT ${JSON.stringify(packet.clientId)} refused (${returnCode}): ${reason}`);
      this.send({ cmd: 'connack', returnCode, sessionPresent: false });
      this.close('refused', 'connection refused');
    };
    if (packet.protocolVersion !== 4) return refuse(1, 'IoT Hub speaks MQTT 3.1.1 only');
    if (!this.context.admit('deviceConnection')) return refuse(3, 'new device connections throttled');
    const userName = parseUserName(packet.username ?? '');
    if (!userName || !packet.password) return refuse(4, 'user name is not {hostName}/{deviceId}/?api-version=… or no password');
    if (userName.hostName.toLowerCase() !== hostName.toLowerCase()) return refuse(5, `user name names hub ${userName.hostName}`);
    if (packet.clientId !== userName.deviceId) return refuse(5, `client id is not the device id ${userName.deviceId} of the user name`);
    const identity = state.identities.get(userName.deviceId);
    if (!identity) return refuse(5, 'device not registered');
    if (identity.status !== 'enabled') return refuse(5, 'device disabled');
    const sas = verifySas(packet.password.toString('utf8'), {
      keys: [identity.primaryKey, identity.secondaryKey],
      resources: [`${hostName}/devices/${userName.deviceId}`],
      nowMs: state.tokenNow(),
    });
    if (!sas.ok) return refuse(5, sas.reason);
    if (packet.will) {
      const will = packet.will;
      if (parseDevicePublish(will.topic, userName.deviceId).kind !== 'telemetry') return refuse(5, 'a will message must go to the telemetry topic');
      this.will = { topic: will.topic, payload: Buffer.from(will.payload), retain: will.retain ?? false };
    }

    this.deviceId = userName.deviceId;
    this.tokenExpiryMs = sas.token.se * 1000;
    const keepalive = packet.keepalive ?? 0;
    this.keepaliveTimeoutMs = 1500 * (keepalive === 0 || keepalive > MAX_KEEPALIVE_SECONDS ? MAX_KEEPALIVE_SECONDS : keepalive);
    this.context.authenticated(this);
    this.phase = 'open';
    // No session is kept (twin and method subscriptions are per connection), so never "session present".
    this.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    state.setConnected(this.deviceId, true);
    this.context.log(`mqtt ${this.deviceId}: connected (keep-alive ${keepalive}s)`);
  }

  private onPublish(packet: mqttPacket.IPublishPacket): void {
    // IoT Hub closes the connection on QoS 2 rather than answer it.
    if (packet.qos === 2) return this.close('lost', 'QoS 2 PUBLISH');
    const deviceId = this.deviceId!;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const request = parseDevicePublish(packet.topic, deviceId);
    switch (request.kind) {
      case 'invalid':
        return this.close('lost', `PUBLISH to ${JSON.stringify(packet.topic.slice(0, 200))}: ${request.reason}`);
      case 'telemetry':
        // Throttled telemetry: IoT Hub cannot refuse a PUBLISH in MQTT 3.1.1, so it drops the message and the connection.
        if (!this.context.admit('telemetry')) return this.close('lost', 'telemetry throttled');
        // IoT Hub keeps no retained messages: it flags them for the back end instead.
        this.context.state.sendTelemetry(deviceId, payload, packet.retain ? { ...request.properties, 'x-opt-retain': 'true' } : request.properties);
        break;
      case 'twinGet':
        this.twinGet(request.rid);
        break;
      case 'reportedPatch':
        this.reportedPatch(request.rid, payload);
        break;
      case 'methodResponse':
        this.methodResponse(request.rid, request.status, payload);
        break;
    }
    if (packet.qos === 1 && this.phase === 'open') this.send({ cmd: 'puback', messageId: packet.messageId });
  }

  private twinGet(rid: string): void {
    const twin = this.context.state.twins.get(this.deviceId!);
    if (!twin) return this.twinError(rid, 404, 404001, 'Device not found.');
    const body = {
      desired: { ...twin.desired, $version: twin.desiredVersion },
      reported: { ...twin.reported, $version: twin.reportedVersion },
    };
    this.publish(TWIN_RESPONSES, `$iothub/twin/res/200/?$rid=${rid}`, JSON.stringify(body));
  }

  private reportedPatch(rid: string, body: Buffer): void {
    const deviceId = this.deviceId!;
    const twin = this.context.state.twins.get(deviceId);
    if (!twin) return this.twinError(rid, 404, 404001, 'Device not found.');
    const check = checkReportedPatch(twin.reported, body);
    if (!check.ok) return this.twinError(rid, 400, 400004, check.message);
    const version = this.context.state.patchReported(deviceId, check.patch);
    this.publish(TWIN_RESPONSES, `$iothub/twin/res/204/?$rid=${rid}&$version=${version}`, '');
  }

  /** The SDK fails a twin request only when the reply body has `errorCode`, whatever the status in the topic. */
  private twinError(rid: string, status: number, errorCode: number, message: string): void {
    const body = { errorCode, message, trackingId: `${this.deviceId}-${rid}`, timestampUtc: new Date(this.context.state.now()).toISOString() };
    this.publish(TWIN_RESPONSES, `$iothub/twin/res/${status}/?$rid=${rid}`, JSON.stringify(body));
  }

  private onSubscribe(packet: mqttPacket.ISubscribePacket): void {
    const granted = packet.subscriptions.map(({ topic, qos }) => {
      if (!isDeviceFilter(topic, this.deviceId!)) {
        this.context.log(`mqtt ${this.deviceId}: SUBSCRIBE ${JSON.stringify(topic.slice(0, 200))} refused`);
        return 0x80;
      }
      const grantedQos: 0 | 1 = qos === 0 ? 0 : 1;
      this.subscriptions.set(topic, grantedQos);
      if (topic === METHOD_REQUESTS && !this.unregisterMethods) {
        this.unregisterMethods = this.context.state.setMethodHandler(this.deviceId!, (name, payload, timeoutMs) => this.invokeMethod(name, payload, timeoutMs));
      }
      return grantedQos;
    });
    this.send({ cmd: 'suback', messageId: packet.messageId, granted });
  }

  private onUnsubscribe(packet: mqttPacket.IUnsubscribePacket): void {
    for (const topic of packet.unsubscriptions) {
      this.subscriptions.delete(topic);
      if (topic === METHOD_REQUESTS) {
        this.unregisterMethods?.();
        this.unregisterMethods = undefined;
      }
    }
    this.send({ cmd: 'unsuback', messageId: packet.messageId, granted: [] });
  }

  private invokeMethod(name: string, payload: Json, timeoutMs: number): Promise<{ status: number; payload: Json }> {
    return new Promise((resolve, reject) => {
      if (this.phase !== 'open') return reject(new HubError(404, 'DeviceNotOnline', `Device ${this.deviceId} is not online.`));
      if (!isTopicSafeMethodName(name)) return reject(new HubError(400, 'ArgumentInvalid', `Invalid method name '${name.slice(0, 64)}'.`));
      if (this.pendingMethods.size >= MAX_PENDING_METHODS) return reject(new HubError(429, 'ThrottlingException', `Too many method calls pending for ${this.deviceId}.`));
      const rid = String(++this.nextRid);
      const timer = setTimeout(() => {
        this.pendingMethods.delete(rid);
        reject(new HubError(504, 'GatewayTimeout', `Timed out waiting for the response from device ${this.deviceId}.`));
      }, Math.min(Math.max(timeoutMs, 0), 2 ** 31 - 1));
      this.pendingMethods.set(rid, { resolve, reject, timer });
      this.publish(METHOD_REQUESTS, `$iothub/methods/POST/${name}/?$rid=${rid}`, JSON.stringify(payload ?? null));
    });
  }

  private methodResponse(rid: string, status: number, body: Buffer): void {
    const pending = this.pendingMethods.get(rid);
    if (!pending) return this.context.log(`mqtt ${this.deviceId}: method response for unknown or expired $rid ${rid.slice(0, 64)}`);
    this.pendingMethods.delete(rid);
    clearTimeout(pending.timer);
    const text = body.toString('utf8');
    try {
      pending.resolve({ status, payload: text.trim() === '' ? null : (JSON.parse(text) as Json) });
    } catch {
      pending.reject(new HubError(400, 'BadDeviceResponse', `Device ${this.deviceId} answered method with a body that is not JSON.`));
    }
  }

  private publishWill(will: { topic: string; payload: Buffer; retain: boolean }): void {
    const request = parseDevicePublish(will.topic, this.deviceId!);
    if (request.kind !== 'telemetry') return;
    // IoT Hub forwards the will as telemetry, marked so the back end can tell it from the device's own messages.
    const properties = { ...request.properties, 'iothub-MessageType': 'Will', ...(will.retain ? { 'x-opt-retain': 'true' } : {}) };
    try {
      this.context.state.sendTelemetry(this.deviceId!, will.payload, properties);
    } catch (error) {
      // Closing runs from socket events and timers, where a throw would take the whole hub down.
      this.context.log(`mqtt ${this.deviceId}: will message not delivered: ${(error as Error).message}`);
    }
  }

  /** Sends to the device when it subscribed to `filter`, at the granted QoS (IoT Hub's topics are never broadcast). */
  private publish(filter: string, topic: string, payload: string): void {
    const qos = this.subscriptions.get(filter);
    if (qos === undefined || this.phase !== 'open') return;
    if (qos === 0) return this.send({ cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false });
    if (this.inflight.size >= MAX_INFLIGHT) return this.close('lost', `${MAX_INFLIGHT} QoS 1 messages unacknowledged`);
    do this.nextMessageId = (this.nextMessageId % 0xffff) + 1;
    while (this.inflight.has(this.nextMessageId));
    this.inflight.add(this.nextMessageId);
    this.send({ cmd: 'publish', topic, payload, qos: 1, messageId: this.nextMessageId, dup: false, retain: false });
  }

  private send(packet: mqttPacket.Packet): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(mqttPacket.generate(packet));
    if (this.socket.writableLength > MAX_WRITE_BUFFER_BYTES) this.close('lost', 'the device does not read what the hub sends');
  }
}
