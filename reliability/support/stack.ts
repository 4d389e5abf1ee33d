/**
 * The whole local stack (`npm start`'s script) as a detached child process group, for the reliability suite: started
 * on an ephemeral port, optionally on a data folder, killed with SIGKILL as a machine crash would, or stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { principalHeaders } from '../../scripts/local-principal';
import { createIotHubClients, type IotHubClients } from '../../adapters/iothub/iothub-clients';

/** The project folder, whether this runs compiled (dist/reliability/support) or from source under jest. */
export const root = ((dir: string): string => {
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})(path.resolve(__dirname, '../..'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the app's API, read by field
export type Json = any;

export interface ApiAnswer {
  status: number;
  contentType: string;
  body: Json;
  ms: number;
}

export interface StackOptions {
  fleet: string;
  dataDir?: string;
  timeSkip?: boolean;
  iothubSku?: 'S1' | 'S2' | 'S3';
  iothubUnits?: number;
  env?: Record<string, string>;
  /** More start-local arguments (e.g. --fault-proxies, --iothub-quota). */
  args?: string[];
}

export interface Stack {
  url: string;
  /** The start-local process: the Functions host, the local IoT Hub and the Cosmos stand-in's thread. */
  pid: number;
  output(): string;
  /** Whether the start-local process is still running (a crash of the stack ends it). */
  alive(): boolean;
  api(method: string, route: string, body?: unknown, caller?: string, roles?: string[]): Promise<ApiAnswer>;
  /** A raw request to any path of the host (bodies sent as given). */
  raw(method: string, urlPath: string, body: string | undefined, headers: Record<string, string>): Promise<ApiAnswer>;
  iotHub(): IotHubClients;
  commandsOf(deviceId: string): Promise<string[]>;
  advanceClock(by: string): Promise<void>;
  setTimeSkip(on: boolean): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
};
process.on('exit', () => running.forEach((child) => killGroup(child, 'SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { running.forEach((child) => killGroup(child, 'SIGKILL')); process.exit(130); });
}

async function answer(res: Response, started: number): Promise<ApiAnswer> {
  const text = await res.text();
  let body: Json = text;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, ms: performance.now() - started };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const args = [path.join(root, 'dist/scripts/start-local.js'), '--port', '0', '--fleet', options.fleet];
  args.push('--iothub-sku', options.iothubSku ?? 'S3', '--iothub-units', String(options.iothubUnits ?? 10));
  if (options.dataDir) args.push('--data', options.dataDir);
  if (options.timeSkip) args.push('--time-skip');
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not start within 60 s:\n${log.slice(-3000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.length > 2_000_000) log = log.slice(-1_000_000);
      const match = /running: (http:\/\/127\.0\.0\.1:\d+)\/api\/health/.exec(log);
      if (match) { clearTimeout(timer); resolve(match[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`local stack exited with ${code}:\n${log.slice(-3000)}`)); });
  }).catch(async (err: unknown) => { killGroup(child, 'SIGKILL'); await exited; throw err; });
  let hub: IotHubClients | undefined;
  const iotHub = (): IotHubClients => {
    const file = /IoT Hub connection info[^:]*: (\S+)/.exec(log)?.[1];
    if (!file) throw new Error('the stack printed no IoT Hub connection info');
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as { serviceConnectionString: string; caCertFile: string };
    return (hub ??= createIotHubClients({ connectionString: info.serviceConnectionString, caFile: info.caCertFile }));
  };
  const clock = async (urlPath: string, body: unknown) => {
    const res = await fetch(`${url}${urlPath}`, { method: 'POST', body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${urlPath}: ${res.status}`);
  };
  const raw = async (method: string, urlPath: string, body: string | undefined, headers: Record<string, string>) => {
    const started = performance.now();
    return answer(await fetch(`${url}${urlPath}`, { method, headers, body, signal: AbortSignal.timeout(60_000) }), started);
  };
  return {
    url,
    pid: child.pid!,
    output: () => log,
    alive: () => child.exitCode === null && child.signalCode === null,
    api: (method, route, body, caller = 'reliability@contoso.com', roles = ['OTA.Admin']) =>
      raw(method, `/api/${route}`, body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json', ...principalHeaders(caller, roles) }),
    raw,
    iotHub,
    async commandsOf(deviceId) {
      const { responseBody: twin } = await iotHub().registry.getTwin(deviceId);
      const agent = (twin.properties.reported as { virtualAgent?: { commands?: string[] } }).virtualAgent;
      return agent?.commands ?? [];
    },
    advanceClock: (by) => clock('/admin/host/clock/advance', { by }),
    setTimeSkip: (on) => clock('/admin/host/clock', { autoSkip: on }),
    async kill9() {
      hub?.close();
      hub = undefined;
      killGroup(child, 'SIGKILL');
      await exited;
    },
    async stop() {
      hub?.close();
      hub = undefined;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 10_000); })]);
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /api/rollouts/{id} until its status is one of `statuses`. */
export async function waitForStatus(stack: Stack, id: string, statuses: readonly string[], timeoutMs = 120_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json;
  while (Date.now() < deadline) {
    last = (await stack.api('GET', `rollouts/${id}`)).body;
    if (statuses.includes(last?.status)) return last;
    await sleep(200);
  }
  throw new Error(`rollout ${id} did not reach ${statuses.join('/')} in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 1000)}`);
}
