/**
 * `npm start` as a developer runs it: the whole service (Azurite, the Cosmos stand-in, the devhost serving the app)
 * comes up healthy, and Ctrl-C (SIGINT) stops all of it, Azurite included, with exit code 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually, json, repoRoot } from '../support/devhost-process';
import { descendants, isAlive } from '../support/process-tree';

const script = path.join(repoRoot, 'dist/scripts/start-local.js');
const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const READY = /OTA update service running: (http:\/\/127\.0\.0\.1:(\d+))\/api\/health/;

interface StartLocal {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
/** Every process seen below a start-local process, so afterAll can kill what it left behind. */
const descendantsSeen = new Set<number>();



const commandLine = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function startLocal(args: string[] = []): Promise<StartLocal> {
  const child = spawn(process.execPath, [script, '--port', '0', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let log = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start-local did not get ready within 45 s:\n${log}`)), 45000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const ready = READY.exec(log);
      if (ready) { clearTimeout(timer); resolve(ready); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`start-local exited with ${code} before it was ready:\n${log}`)); });
  });
  for (const pid of descendants(child.pid!)) descendantsSeen.add(pid);
  return { child, url: match[1]!, port: Number(match[2]), output: () => log, exited };
}

/** Ctrl-C (to the start-local process only: a terminal would signal Azurite too), then how it exited, within `withinMs`. */
async function interrupt(service: StartLocal, withinMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  service.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`start-local still running ${withinMs} ms after SIGINT:\n${service.output()}`)), withinMs);
  });
  try {
    return await Promise.race([service.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

afterAll(() => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      for (const pid of descendants(child.pid!)) descendantsSeen.add(pid);
      child.kill('SIGKILL');
    }
  }
  for (const pid of descendantsSeen) {
    if (isAlive(pid)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
});

it('serves a healthy /api/health and stops everything, Azurite included, on Ctrl-C', async () => {
  const service = await startLocal();

  const health = await json(`${service.url}/api/health`);
  expect(health.status).toBe(200);
  expect(health.body).toEqual({
    status: 'Healthy',
    version,
    dependencies: { blob: { status: 'Healthy' }, cosmos: { status: 'Healthy' } },
  });

  const children = descendants(service.child.pid!);
  const azurite = children.filter((pid) => commandLine(pid).includes('azurite'));
  expect(azurite).toHaveLength(1);

  const { code, signal } = await interrupt(service);
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  // Its children went with it (checked after a short grace period, in case one was still being reaped).
  await eventually(async () => (children.every((pid) => !isAlive(pid)) ? true : undefined), 3000, 'Azurite to be gone');
  expect(children.filter(isAlive)).toEqual([]);
  expect(await acceptsConnections(service.port)).toBe(false);
});

describe('with --data <dir>', () => {
  let dataDir: string;
  beforeAll(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-local-data-')); });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps blobs, the durable task hub, Cosmos data, the IoT Hub (devices, twins, its CA) and the local keys under <dir>', async () => {
    const service = await startLocal(['--data', dataDir]);
    expect(fs.readdirSync(dataDir).sort()).toEqual(['azurite', 'cosmos', 'iothub', 'keys', 'taskhub']);
    const hub = JSON.parse(fs.readFileSync(path.join(dataDir, 'iothub', 'iothub.json'), 'utf8'));
    expect(hub).toMatchObject({ hostName: 'localhost', httpsPort: expect.any(Number), mqttsPort: expect.any(Number), serviceConnectionString: expect.stringMatching(/^HostName=localhost:\d+;SharedAccessKeyName=iothubowner;SharedAccessKey=/) });
    expect(fs.existsSync(hub.caCertFile)).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'azurite')).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'taskhub', 'taskhub.jsonl'))).toBe(true);
    expect((await json(`${service.url}/api/health`)).body.status).toBe('Healthy');

    const children = descendants(service.child.pid!);
    expect((await interrupt(service)).code).toBe(0);
    await eventually(async () => (children.every((pid) => !isAlive(pid)) ? true : undefined), 3000, 'Azurite to be gone');
    // Azurite wrote its metadata into the folder it was given.
    expect(fs.readdirSync(path.join(dataDir, 'azurite')).length).toBeGreaterThan(0);
  });
});
