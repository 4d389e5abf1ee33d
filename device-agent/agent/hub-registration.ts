/**
 * Self-registration with a local IoT Hub (`--hub iothub.json`), over IoT Hub's own REST API (api-version
 * 2021-04-12) with plain node:https and a policy SAS token signed by the owner key: create the device identity if
 * missing, read its key, write the twin tags. No service SDK: the agent stays a device-side program.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { z } from 'zod';
import { connectionStringFields } from './options';

const apiVersion = '2021-04-12';
const tokenLifetimeSeconds = 3600;
const requestTimeoutMs = 10_000;

const connectionInfoSchema = z.object({
  serviceConnectionString: z.string().min(1),
  hostName: z.string().min(1),
  httpsPort: z.number().int().positive(),
  mqttsPort: z.number().int().positive(),
  caCertFile: z.string().min(1),
});

export type ConnectionInfo = z.infer<typeof connectionInfoSchema>;

export interface LocalHub {
  info: ConnectionInfo;
  ca: string;
  policyName: string;
  policyKey: string;
  /** What the hub's REST API accepts as the token's resource. */
  hostName: string;
}

export function readLocalHub(file: string): LocalHub {
  const info = connectionInfoSchema.safeParse(readJson(file, 'the hub connection info'));
  if (!info.success) throw new Error(`the hub connection info ${file} lacks ${info.error.issues[0]!.path.join('.') || 'fields'}: is it the iothub.json of the local IoT Hub?`);
  const ca = readText(info.data.caCertFile, "the hub's CA certificate");
  const policy = /SharedAccessKeyName=([^;]+)/.exec(info.data.serviceConnectionString)?.[1];
  const key = /SharedAccessKey=([^;]+)/.exec(info.data.serviceConnectionString)?.[1];
  const hostName = /HostName=([^;]+)/.exec(info.data.serviceConnectionString)?.[1];
  if (!policy || !key || !hostName) throw new Error(`the serviceConnectionString in ${file} has no HostName, SharedAccessKeyName and SharedAccessKey`);
  return { info: info.data, ca, policyName: policy, policyKey: key, hostName };
}

/** Creates the identity if missing, writes the tags (when given), returns the device's connection string. */
export async function registerWithLocalHub(hub: LocalHub, deviceId: string, tags: Record<string, string>): Promise<string> {
  const devicePath = `/devices/${encodeURIComponent(deviceId)}?api-version=${apiVersion}`;
  let identity = await request(hub, 'GET', devicePath);
  if (identity.status === 404) {
    identity = await request(hub, 'PUT', devicePath, { deviceId, authentication: { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } } });
    // Another agent with the same id may have created it meanwhile.
    if (identity.status === 409) identity = await request(hub, 'GET', devicePath);
  }
  expectOk(identity, `reading or creating device ${deviceId}`);
  const key = z.object({ authentication: z.object({ symmetricKey: z.object({ primaryKey: z.string().min(1) }) }) }).safeParse(identity.body);
  if (!key.success) throw new Error(`the hub's identity of ${deviceId} carries no symmetric key`);
  if (Object.keys(tags).length > 0) {
    const twin = await request(hub, 'PATCH', `/twins/${encodeURIComponent(deviceId)}?api-version=${apiVersion}`, { tags }, { 'If-Match': '"*"' });
    expectOk(twin, `writing the tags of ${deviceId}`);
  }
  // The SDK signs for HostName and connects to GatewayHostName: the hub knows itself as `localhost`.
  return `HostName=${hub.info.hostName};DeviceId=${deviceId};SharedAccessKey=${key.data.authentication.symmetricKey.primaryKey};GatewayHostName=127.0.0.1:${hub.info.mqttsPort}`;
}

/** A service token as IoT Hub checks it: HMAC-SHA256 over `<url-encoded resource>\n<expiry>`. */
export function policyToken(hostName: string, policyName: string, base64Key: string, expirySeconds: number): string {
  const sr = encodeURIComponent(hostName);
  const sig = createHmac('sha256', Buffer.from(base64Key, 'base64')).update(`${sr}\n${expirySeconds}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expirySeconds}&skn=${encodeURIComponent(policyName)}`;
}

/** The device id a device connection string names (for logs and checks). */
export function deviceIdOf(connectionString: string): string | undefined {
  const fields = connectionStringFields(connectionString);
  return typeof fields === 'string' ? undefined : fields.DeviceId;
}

interface Reply {
  status: number;
  body: unknown;
  retryAfterSeconds?: number;
}

const throttledAttempts = 10;

/** The registry allows a few operations a second per hub: a throttled call waits as told and tries again. */
async function request(hub: LocalHub, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  for (let attempt = 1; ; attempt++) {
    const reply = await requestOnce(hub, method, path, body, headers);
    if (reply.status !== 429 || attempt >= throttledAttempts) return reply;
    const waitSeconds = Math.min(Math.max(reply.retryAfterSeconds ?? 1, 0.2), 10) * (0.5 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  }
}

function requestOnce(hub: LocalHub, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const token = policyToken(hub.hostName, hub.policyName, hub.policyKey, Math.floor(Date.now() / 1000) + tokenLifetimeSeconds);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1', port: hub.info.httpsPort, servername: hub.info.hostName, ca: hub.ca, method, path, timeout: requestTimeoutMs,
        headers: {
          Authorization: token,
          ...(payload !== undefined ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const retryAfter = Number(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, body: parseBody(text), ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${requestTimeoutMs / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) => reject(new Error(`cannot reach the IoT Hub at https://127.0.0.1:${hub.info.httpsPort}: ${error.code ?? error.message}`)));
    req.end(payload);
  });
}

function expectOk(reply: Reply, what: string): void {
  if (reply.status >= 200 && reply.status < 300) return;
  const message = typeof reply.body === 'object' && reply.body !== null ? String((reply.body as { Message?: unknown }).Message ?? '') : '';
  throw new Error(`the IoT Hub refused ${what}: HTTP ${reply.status} ${message}`.trim());
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readJson(file: string, what: string): unknown {
  const text = readText(file, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} ${file} is not JSON`);
  }
}
