/**
 * The local stack as `npm run demo` runs it: start-local as a child process, and a small client for its HTTP API
 * and the devhost's clock.
 */
import { principalHeaders } from './local-principal';
import { spawn } from 'node:child_process';
import path from 'node:path';

const READY = /OTA update service running: (http:\/\/127\.0\.0\.1:\d+)\/api\/health/;
const readyWithinMs = 90000;
/** start-local itself exits within 7 s of a signal, busy or not; past this, its process group is killed. */
const stopWithinMs = 10000;

export interface DemoApi {
  url: string;
  call<T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** The durable clock (virtual time) in ms, or undefined if the host does not tell. */
  clockMs(): Promise<number | undefined>;
}

export interface DemoStack {
  /** Resolves once start-local printed its ready line. */
  ready: Promise<DemoApi>;
  /** What start-local printed, for when something goes wrong. */
  log(): string;
  /** Ctrl-C to start-local (it stops the host, Azurite and the Cosmos stand-in), then SIGKILL for anything left. */
  stop(): Promise<void>;
  /** When we cannot wait: SIGKILL the whole process group. */
  kill(): void;
}

/** Starts start-local at once; the handle exists before it is ready, so a Ctrl-C during start-up can stop it. */
export function launchDemoStack(args: string[]): DemoStack {
  // Its own process group: a Ctrl-C in the terminal reaches only the demo, which then stops the stack in order.
  const child = spawn(process.execPath, [path.join(__dirname, 'start-local.js'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  let running = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running = false; resolve(); }));
  const kill = () => {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* group already gone */ }
  };
  // However the demo ends (an uncaught error included), it does not leave the stack behind.
  process.once('exit', kill);

  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local stack did not get ready within ${readyWithinMs / 1000} s`)), readyWithinMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = READY.exec(log);
      if (match) { clearTimeout(timer); resolve(match[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`the local stack exited (${signal ?? code}) before it was ready`)); });
  }).then(apiAt);

  return {
    ready,
    log: () => log,
    async stop() {
      if (running) child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, stopWithinMs); })]);
      clearTimeout(timer);
      kill(); // normally a no-op: start-local has stopped its children already
      await exited;
      process.off('exit', kill);
    },
    kill,
  };
}

function apiAt(url: string): DemoApi {
  return {
    url,
    async call<T>(method: 'GET' | 'POST', route: string, body?: unknown) {
      const res = await fetch(`${url}/api/${route}`, {
        method,
        headers: { 'content-type': 'application/json', ...principalHeaders('demo@contoso.com') },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15000),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async clockMs() {
      const res = await fetch(`${url}/admin/host/clock`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      if (res?.status !== 200) return undefined;
      const ms = Date.parse(((await res.json()) as { now?: string }).now ?? '');
      return Number.isNaN(ms) ? undefined : ms;
    },
  };
}
