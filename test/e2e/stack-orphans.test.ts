/**
 * `kill -9` of start-local alone (not its process group, as a crashed terminal or an OOM kill would do it): no child
 * outlives it and every port it served is free within a few seconds, so the next `npm start` can bind them.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { descendants, isAlive } from '../support/process-tree';
import { startLocalStack, writeProfile, type LocalStack } from '../support/local-stack';

const GONE_WITHIN_MS = 5000;

let tempRoot: string;
let stack: LocalStack | undefined;
beforeAll(() => { tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-orphans-test-')); });
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

const portOf = (pattern: RegExp, text: string): number => {
  const port = Number(pattern.exec(text)?.[1]);
  if (!port) throw new Error(`no port matching ${pattern} in:\n${text.slice(0, 3000)}`);
  return port;
};

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(true));
  });
}

async function within<T>(ms: number, check: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await check();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await check();
  }
  return value;
}

it('leaves no child process and no bound port behind', async () => {
  const fleet = writeProfile({ devices: [{ count: 5, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' }] });
  stack = await startLocalStack({ fleet, env: { TMPDIR: tempRoot } });
  const output = stack.output();
  const hubInfo = JSON.parse(fs.readFileSync(/IoT Hub connection info[^:]*: (\S+)/.exec(output)![1]!, 'utf8')) as Record<string, unknown>;
  const ports = {
    host: Number(new URL(stack.url).port),
    azurite: portOf(/BlobEndpoint=http:\/\/127\.0\.0\.1:(\d+)\//, output),
    cosmos: portOf(/Cosmos DB \(stand-in\): http:\/\/127\.0\.0\.1:(\d+)\//, output),
    iothub: portOf(/HostName=[^:;]+:(\d+)/, output),
    ...Object.fromEntries(Object.entries(hubInfo).filter(([key, value]) => /port/i.test(key) && typeof value === 'number')),
  };
  const children = descendants(stack.pid);
  expect(children.length).toBeGreaterThan(0); // Azurite at least
  for (const port of Object.values(ports)) expect(await refused(port as number)).toBe(false);

  process.kill(stack.pid, 'SIGKILL');

  const alive = await within(GONE_WITHIN_MS, async () => children.filter(isAlive), (pids) => pids.length === 0);
  expect(alive).toEqual([]);
  const bound = await within(GONE_WITHIN_MS, async () => {
    const open: string[] = [];
    for (const [name, port] of Object.entries(ports)) if (!(await refused(port as number))) open.push(`${name}:${port}`);
    return open;
  }, (open) => open.length === 0);
  expect(bound).toEqual([]);
}, 90000);
