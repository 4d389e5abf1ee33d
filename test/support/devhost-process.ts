/** Runs the devhost CLI as a child process, as a user would, and stops it even when a test fails. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const sampleApp = path.join(repoRoot, 'test/fixtures/sample-app');
const cli = path.join(repoRoot, 'dist/devhost/cli.js');

export interface DevhostProcess {
  url: string;
  /** The port it listens on (pass `--port <port>` to a restart to keep the links it handed out valid). */
  port: number;
  output(): string;
  /** SIGKILL, as `kill -9` would. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** Starts the devhost on `app` (default: the sample app); `args` come after `--port 0`, so they can override it. */
export async function startDevhost(args: string[] = [], env: Record<string, string> = {}, app: string = sampleApp): Promise<DevhostProcess> {
  const child = spawn(process.execPath, [cli, '--app', app, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devhost did not start:\n${log}`)), 20000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /devhost listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) { clearTimeout(timer); resolve(match[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`devhost exited with ${code}:\n${log}`)); });
  });
  return {
    url,
    port: Number(new URL(url).port),
    output: () => log,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  return { status: res.status, body, headers: res.headers };
}

export function post(url: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  return json(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits until an orchestration instance reaches one of `statuses`, reading the durable HTTP API. */
export async function waitForStatus(baseUrl: string, instanceId: string, statuses: string[] = ['Completed', 'Failed', 'Terminated'], timeoutMs = 15000): Promise<any> {
  return eventually(async () => {
    const { body } = await json(`${baseUrl}/runtime/webhooks/durabletask/instances/${instanceId}`);
    return body && statuses.includes(body.runtimeStatus) ? body : undefined;
  }, timeoutMs, `${instanceId} to be ${statuses.join('/')}`);
}
