/**
 * The IoT Hub service clients (Registry for twins and queries, JobClient for twin-update jobs), built from either
 * - a connection string (the local hub: `HostName=localhost:<port>` and its self-signed CA), or
 * - the hub's host name and a TokenCredential (Azure: the managed identity, with the IoT Hub data-plane role).
 *
 * The SDK hands its host string straight to `https.request`, so `host:port` fails: the clients are built for
 * `HostName=localhost` and then given an https.Agent that connects to the hub's port (whatever port the request
 * names: HTTP instrumentation such as Application Insights' fills in 443) and trusts the hub's CA. The clients install
 * their own agent in their constructors, so ours replaces it afterwards, through the RestApiClient's `setOptions`.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { TokenCredential } from '@azure/identity';
import { JobClient, Registry } from 'azure-iothub';

export type IotHubConnection =
  | { connectionString: string; /** PEM file of a CA to trust besides the system's (the local hub's). */ caFile?: string }
  | { hostName: string; credential: TokenCredential };

export interface IotHubClients {
  registry: Registry;
  jobs: JobClient;
  /** The host name as the clients sign for it (without port). */
  hostName: string;
  /** Ends kept-alive sockets of an agent made here (the process can exit). */
  close(): void;
}

export function createIotHubClients(connection: IotHubConnection): IotHubClients {
  if ('hostName' in connection) {
    return {
      registry: Registry.fromTokenCredential(connection.hostName, connection.credential),
      jobs: JobClient.fromTokenCredential(connection.hostName, connection.credential),
      hostName: connection.hostName,
      close: () => undefined,
    };
  }
  const { connectionString, host, port } = splitHostPort(connection.connectionString);
  const registry = Registry.fromConnectionString(connectionString);
  const jobs = JobClient.fromConnectionString(connectionString);
  const ca = connection.caFile ? fs.readFileSync(connection.caFile, 'utf8') : undefined;
  if (port === undefined && ca === undefined) return { registry, jobs, hostName: host, close: () => undefined };

  const agent = port === undefined ? new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) }) : new FixedPortAgent(port, { keepAlive: true, ...(ca ? { ca } : {}) });
  for (const client of [registry, jobs]) restApiClientOf(client).setOptions({ http: { agent }, ...(ca ? { ca } : {}) });
  return { registry, jobs, hostName: host, close: () => agent.destroy() };
}

/** An agent whose connections go to one port, whatever port a request names. */
class FixedPortAgent extends https.Agent {
  constructor(private readonly port: number, options: https.AgentOptions) {
    super(options);
    Object.assign(this, { defaultPort: port }); // for requests that name no port (the Agent constructor ignores the option)
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    return super.createConnection({ ...options, port: this.port }, callback);
  }
}

/** `HostName=host:port;…` → the same string with `HostName=host`, and the port. */
export function splitHostPort(connectionString: string): { connectionString: string; host: string; port: number | undefined } {
  const parts = connectionString.split(';').filter((part) => part.trim() !== '');
  const index = parts.findIndex((part) => /^HostName=/i.test(part));
  const value = index < 0 ? undefined : parts[index]!.slice(parts[index]!.indexOf('=') + 1);
  if (!value) throw new Error('The IoT Hub connection string has no HostName.');
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match) return { connectionString: parts.join(';'), host: value, port: undefined };
  parts[index] = `HostName=${match[1]}`;
  return { connectionString: parts.join(';'), host: match[1]!, port: Number(match[2]) };
}

interface RestOptions {
  setOptions(options: { http: { agent: https.Agent }; ca?: string }): void;
}

/** The client's RestApiClient (a private field of the SDK 1.16 clients; checked so an SDK change fails loudly here). */
function restApiClientOf(client: Registry | JobClient): RestOptions {
  const rest = (client as unknown as { _restApiClient?: Partial<RestOptions> })._restApiClient;
  if (typeof rest?.setOptions !== 'function') throw new Error('azure-iothub: cannot reach the RestApiClient to set the local hub\'s port and CA (SDK changed?)');
  return rest as RestOptions;
}
