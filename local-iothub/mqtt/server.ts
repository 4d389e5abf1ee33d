/**
 * The local hub's device endpoint: MQTT 3.1.1 over TLS on 127.0.0.1, for the official device SDK and plain MQTT
 * clients. Not a broker: each connection answers for its own device (see device-connection.ts); the server only
 * keeps one connection per device id (a newer one takes over) and routes hub events to it.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { HubState } from '../hub-state';
import { DeviceConnection, type AdmitOperation, type ConnectionContext } from './device-connection';

export interface MqttServerOptions {
  state: HubState;
  tls: { cert: string; key: string };
  /** The hub's host name devices put in their user name and token (`localhost`). */
  hostName: string;
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Throttling hook: false refuses a new connection (CONNACK 3) or drops a telemetry message and its connection. */
  admit?: (op: AdmitOperation) => boolean;
  log?: (line: string) => void;
}

export interface MqttServer {
  port: number;
  /** Authenticated device connections currently open. */
  connections(): number;
  /** Closes the listener and every connection; the devices go offline. */
  stop(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 1000;
const TLS_HANDSHAKE_TIMEOUT_MS = 30_000;
/** Distinct TLS failure kinds logged; scanners and misconfigured clients repeat the same one forever. */
const MAX_TLS_ERRORS_LOGGED = 20;

export async function startMqttServer(options: MqttServerOptions): Promise<MqttServer> {
  const { state } = options;
  const log = options.log ?? (() => undefined);
  const byDevice = new Map<string, DeviceConnection>();
  const all = new Set<DeviceConnection>();
  const rawSockets = new Set<net.Socket>();

  const context: ConnectionContext = {
    state,
    hostName: options.hostName,
    admit: options.admit ?? (() => true),
    log,
    authenticated(connection) {
      const deviceId = connection.deviceId!;
      // IoT Hub allows one connection per device: the newer one wins (error 400027 for the older one).
      byDevice.get(deviceId)?.close('takenOver', 'a new connection with the same device id took over');
      byDevice.set(deviceId, connection);
    },
    closed(connection) {
      all.delete(connection);
      const deviceId = connection.deviceId;
      if (deviceId !== undefined && byDevice.get(deviceId) === connection) {
        byDevice.delete(deviceId);
        state.setConnected(deviceId, false);
      }
    },
  };

  const server = tls.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2', handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (socket) => {
    all.add(new DeviceConnection(socket, context));
  });
  server.on('connection', (socket: net.Socket) => {
    rawSockets.add(socket);
    socket.once('close', () => rawSockets.delete(socket));
  });
  const tlsErrorsSeen = new Set<string>();
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket) => {
    const kind = error.code ?? error.message;
    if (!tlsErrorsSeen.has(kind) && tlsErrorsSeen.size < MAX_TLS_ERRORS_LOGGED) {
      tlsErrorsSeen.add(kind);
      log(`mqtt TLS handshake failed from ${socket.remoteAddress ?? '?'}: ${error.message} (further ${kind} failures not logged)`);
    }
    socket.destroy();
  });

  // One listener each for the whole hub: a lookup by device id, no work for the many devices without a connection.
  const stopDesired = state.onDesiredPatch((event) => byDevice.get(event.deviceId)?.pushDesired(event.patch));
  const stopChanges = state.onChange((change) => {
    // IoT Hub drops a device's connection when its identity is deleted or disabled.
    if (change.type === 'identityDeleted') byDevice.get(change.deviceId)?.close('stopped', 'device identity deleted');
    else if (change.type === 'identity' && change.identity.status !== 'enabled') byDevice.get(change.identity.deviceId)?.close('stopped', 'device disabled');
  });
  const sweep = setInterval(() => {
    const monotonicMs = performance.now();
    const hubNowMs = state.tokenNow();
    for (const connection of [...all]) connection.sweep(monotonicMs, hubNowMs);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  const release = (): void => {
    clearInterval(sweep);
    stopDesired();
    stopChanges();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    release();
    throw error;
  }
  server.on('error', (error) => log(`mqtt server error: ${error.message}`));
  const port = (server.address() as net.AddressInfo).port;
  log(`mqtt device endpoint on mqtts://127.0.0.1:${port} (host name ${options.hostName})`);

  let stopping: Promise<void> | undefined;
  return {
    port,
    connections: () => byDevice.size,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        release();
        server.close(() => resolve());
        for (const connection of [...all]) connection.close('stopped', 'hub stopping');
        for (const socket of rawSockets) socket.destroy();
      });
      return stopping;
    },
  };
}
