/** Runs `npm start`'s script (Azurite, Cosmos stand-in, devhost with the app) as a child process, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './devhost-process';
import { principalHeaders } from '../../scripts/local-principal';
import { createIotHubClients, type IotHubClients } from '../../adapters/iothub/iothub-clients';

export interface LocalStack {
  url: string;
  /** start-local's process id (its children: test/support/process-tree.ts). */
  pid: number;
  dataDir: string | undefined;
  output(): string;
  /** Calls the API as `caller` holding `roles` (default OTA.Admin); an empty caller sends no principal at all. */
  api(method: string, route: string, body?: unknown, caller?: string, roles?: string[], groups?: string[]): Promise<{ status: number; body: any }>;
  /** Time-skipping on or off, and jumps of the durable clock (the devhost's admin API). */
  setTimeSkip(on: boolean): Promise<void>;
  /** The stack's local IoT Hub, through the official service SDK (as an operator's script would reach it). */
  iotHub(): IotHubClients;
  /** The command ids a virtual device accepted, oldest first, as the device itself keeps them in its twin. */
  commandsOf(deviceId: string): Promise<string[]>;
  advanceClock(by: string): Promise<void>;
  kill9(): Promise<void>;
  /**
   * Sends `signal` to start-local alone (as `kill` would) and resolves with how it exited and how long that took;
   * after `withinMs` it rejects, and its process group is killed.
   */
  signal(signal: NodeJS.Signals, withinMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')));

const profileDirs = new Set<string>();
/** Jest evaluates this module once per test file: the profiles a file wrote go when that file is done. */
afterAll(() => {
  for (const dir of profileDirs) fs.rmSync(dir, { recursive: true, force: true });
  profileDirs.clear();
});

/** Writes a fleet profile to a temp file (removed after the test file) and returns its path. */
export function writeProfile(profile: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
  profileDirs.add(dir);
  const file = path.join(dir, 'profile.json');
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}

export interface LocalStackOptions {
  /** The Functions host's port (default 0: any free one). */
  port?: number;
  fleet?: string;
  dataDir?: string;
  timeSkip?: boolean;
  /** The local IoT Hub's tier (default S3 x 10: quick scenarios; the pacing to S1 is measured by bench:iothub). */
  iothubSku?: 'S1' | 'S2' | 'S3';
  iothubUnits?: number;
  /** Virtual seconds per real second of the durable clock (`--time-scale`). */
  timeScale?: number;
  /** Extra environment for `npm start` (e.g. APPLICATIONINSIGHTS_CONNECTION_STRING, which it passes to the app). */
  env?: Record<string, string>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const args = [path.join(repoRoot, 'dist/scripts/start-local.js'), '--port', String(options.port ?? 0)];
  args.push('--iothub-sku', options.iothubSku ?? 'S3', '--iothub-units', String(options.iothubUnits ?? 10));
  if (options.fleet) args.push('--fleet', options.fleet);
  if (options.dataDir) args.push('--data', options.dataDir);
  if (options.timeSkip) args.push('--time-skip');
  if (options.timeScale) args.push('--time-scale', String(options.timeScale));
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let log = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); }));
  const exited = exit.then(() => undefined);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not start:\n${log}`)), 30000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /running: (http:\/\/127\.0\.0\.1:\d+)\/api\/health/.exec(log);
      if (match) { clearTimeout(timer); resolve(match[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`local stack exited with ${code}:\n${log}`)); });
  });
  let hub: IotHubClients | undefined;
  const iotHub = (): IotHubClients => {
    const file = /IoT Hub connection info[^:]*: (\S+)/.exec(log)?.[1];
    if (!file) throw new Error(`the stack printed no IoT Hub connection info:\n${log}`);
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as { serviceConnectionString: string; caCertFile: string };
    return (hub ??= createIotHubClients({ connectionString: info.serviceConnectionString, caFile: info.caCertFile }));
  };
  const killGroup = (signal: NodeJS.Signals) => {
    try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
  };
  return {
    url,
    pid: child.pid!,
    dataDir: options.dataDir,
    output: () => log,
    async api(method, route, body, caller = 'ops@contoso.com', roles = ['OTA.Admin'], groups = []) {
      const res = await fetch(`${url}/api/${route}`, {
        method,
        headers: { 'content-type': 'application/json', ...(caller ? principalHeaders(caller, roles, groups) : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
      return { status: res.status, body: parsed as any };
    },
    iotHub,
    async commandsOf(deviceId) {
      const { responseBody: twin } = await iotHub().registry.getTwin(deviceId);
      const agent = (twin.properties.reported as { virtualAgent?: { commands?: string[] } }).virtualAgent;
      return agent?.commands ?? [];
    },
    async setTimeSkip(on) {
      const res = await fetch(`${url}/admin/host/clock`, { method: 'POST', body: JSON.stringify({ autoSkip: on }) });
      if (res.status !== 200) throw new Error(`clock: ${res.status}`);
    },
    async advanceClock(by) {
      const res = await fetch(`${url}/admin/host/clock/advance`, { method: 'POST', body: JSON.stringify({ by }) });
      if (res.status !== 200) throw new Error(`clock: ${res.status}`);
    },
    async kill9() {
      hub?.close();
      hub = undefined;
      killGroup('SIGKILL'); // the whole group: start-local, Azurite; as a crash of the machine would
      await exited;
    },
    async signal(signal, withinMs) {
      hub?.close();
      hub = undefined;
      const sentAt = Date.now();
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          killGroup('SIGKILL');
          reject(new Error(`start-local still running ${withinMs} ms after ${signal}:\n${log.split('\n').slice(-20).join('\n')}`));
        }, withinMs);
      });
      try {
        const how = await Promise.race([exit, late]);
        return { ...how, ms: Date.now() - sentAt };
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      hub?.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 10000); })]);
      clearTimeout(timer);
      killGroup('SIGKILL');
    },
  };
}

/** Polls the rollout until its status is one of `statuses`. */
export async function waitForRollout(stack: LocalStack, id: string, statuses: string[], timeoutMs = 60000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await stack.api('GET', `rollouts/${id}`)).body;
    if (statuses.includes(last?.status)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`rollout ${id} did not reach ${statuses.join('/')}; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}
