/**
 * Azurite started by `npm start --data` comes back on the port it had, so download links handed out before a
 * restart keep working; when something else holds that port, it starts on another and says what that breaks.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startAzuriteOnKeptPort } from '../../devhost/standins/azurite-kept-port';
import type { RunningAzurite } from '../../devhost/standins/azurite';

let dir: string;
const started: RunningAzurite[] = [];
let squatter: net.Server | undefined;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-kept-port-')); });
afterAll(async () => {
  await Promise.allSettled(started.map((azurite) => azurite.stop()));
  await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
  fs.rmSync(dir, { recursive: true, force: true });
});

const portOf = (azurite: RunningAzurite) => Number(new URL(azurite.blobEndpoint).port);

it('restarts on the same port, or on another one with a warning when that port is taken', async () => {
  const warnings: string[] = [];
  const start = async () => {
    const azurite = await startAzuriteOnKeptPort(dir, (message) => warnings.push(message));
    started.push(azurite);
    return azurite;
  };
  const first = await start();
  const port = portOf(first);
  await first.stop();
  const second = await start();
  expect(portOf(second)).toBe(port);
  expect(warnings).toEqual([]);
  await second.stop();

  squatter = net.createServer();
  await new Promise<void>((resolve) => squatter!.listen(port, '127.0.0.1', resolve));
  const third = await start();
  expect(portOf(third)).not.toBe(port);
  expect(warnings).toEqual([expect.stringContaining(`port ${port} of earlier runs is taken`)]);
}, 30000);
