/**
 * The official IoT Hub service SDK (`azure-iothub`, unchanged) against the local hub in tests.
 *
 * The SDK hands its host string straight to `https.request`, so `HostName=localhost:<port>` fails: the clients get
 * `HostName=localhost` and then an https.Agent whose `defaultPort` is the hub's port (assigned: the constructor
 * ignores the option) and which trusts the hub's CA. The clients install their own agent in their constructors, so
 * ours replaces it afterwards through the RestApiClient's `setOptions` (docs/azure-facts.md, "Local endpoint").
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Client, JobClient, Registry } from 'azure-iothub';
import { startLocalIotHub, type LocalIotHub, type LocalIotHubOptions } from '../../local-iothub';
import { createSas } from '../../local-iothub/sas';

/** `HostName=localhost:<port>;…` → the same string with `HostName=localhost`, and the port. */
export function splitHostPort(connectionString: string): { connectionString: string; port: number | undefined } {
  const match = /HostName=([^;:]+):(\d+)/i.exec(connectionString);
  if (!match) return { connectionString, port: undefined };
  return { connectionString: connectionString.replace(match[0], `HostName=${match[1]}`), port: Number(match[2]) };
}

interface WithRestClient {
  _restApiClient?: { setOptions?: (options: { http: { agent: https.Agent }; ca: string }) => void };
}

/** Gives an SDK client (Registry, JobClient, Client) the hub's port and CA; returns the agent (destroy it after). */
export function pointAtHub(client: Registry | JobClient | Client, port: number, ca: string): https.Agent {
  const rest = (client as unknown as WithRestClient)._restApiClient;
  if (typeof rest?.setOptions !== 'function') throw new Error('azure-iothub: the client has no RestApiClient to configure (SDK changed?)');
  const agent = new https.Agent({ keepAlive: true, ca });
  (agent as https.Agent & { defaultPort: number }).defaultPort = port;
  rest.setOptions({ http: { agent }, ca });
  return agent;
}

export interface SdkClients {
  registry: Registry;
  jobs: JobClient;
  client: Client;
  close(): void;
}

/** Registry, JobClient and Client for a hub, from its connection string (or another one, e.g. with a wrong key). */
export function sdkClients(hub: LocalIotHub, connectionString = hub.serviceConnectionString): SdkClients {
  const { connectionString: plain, port } = splitHostPort(connectionString);
  const ca = fs.readFileSync(hub.caCertFile, 'utf8');
  const registry = Registry.fromConnectionString(plain);
  const jobs = JobClient.fromConnectionString(plain);
  const client = Client.fromConnectionString(plain);
  const agents = [registry, jobs, client].map((c) => pointAtHub(c, port ?? hub.httpsPort, ca));
  return { registry, jobs, client, close: () => agents.forEach((agent) => agent.destroy()) };
}

/** A Registry signed with a token given as is (e.g. an expired one). */
export function registryWithToken(hub: LocalIotHub, token: string): { registry: Registry; close(): void } {
  const registry = Registry.fromSharedAccessSignature(token);
  const agent = pointAtHub(registry, hub.httpsPort, fs.readFileSync(hub.caCertFile, 'utf8'));
  return { registry, close: () => agent.destroy() };
}

export function ownerKey(hub: LocalIotHub): string {
  return /SharedAccessKey=([^;]+)/.exec(hub.serviceConnectionString)![1]!;
}

/** An `iothubowner` token for the hub, valid for an hour unless `expirySeconds` says otherwise. */
export function ownerToken(hub: LocalIotHub, expirySeconds = Math.floor(Date.now() / 1000) + 3600): string {
  return createSas('localhost', ownerKey(hub), expirySeconds, 'iothubowner');
}

/** One HTTPS request to the hub, outside the SDK (for what the SDK never sends: bad JSON, big bodies, odd methods). */
export function rawRequest(
  hub: LocalIotHub,
  method: string,
  urlPath: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1', port: hub.httpsPort, method, path: urlPath, ca: fs.readFileSync(hub.caCertFile, 'utf8'), servername: 'localhost',
        headers: { Authorization: ownerToken(hub), ...(body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A local hub for one test file (temp data dir unless given), stopped after it even when a test fails. */
export function useLocalIotHub(options: LocalIotHubOptions | (() => LocalIotHubOptions) = {}): () => LocalIotHub {
  let hub: LocalIotHub | undefined;
  beforeAll(async () => {
    hub = await startLocalIotHub(typeof options === 'function' ? options() : options);
  });
  afterAll(async () => {
    await hub?.stop();
  });
  return () => {
    if (!hub) throw new Error('the local hub did not start');
    return hub;
  };
}

/** A fresh temp folder, removed after the test file. */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir!;
}

/** Polls until `probe` resolves to something other than undefined/false. */
export async function eventually<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
