/**
 * Azurite on a data folder keeps what it acknowledged through a `kill -9`, as Blob storage does: an upload answered
 * 201, then the process killed at once, is there after a restart on the same folder. (Azurite on its own saves its
 * blob index every 5 s; a firmware upload killed inside that window was lost and its import failed.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../devhost/standins/azurite';
import { isAlive } from '../support/process-tree';

let dir: string;
const started: RunningAzurite[] = [];
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-durability-')); });
afterAll(async () => {
  await Promise.allSettled(started.map((azurite) => azurite.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<RunningAzurite> {
  const azurite = await startAzurite({ location: dir });
  started.push(azurite);
  return azurite;
}

async function killed(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

it('a blob acknowledged just before a kill -9 is there after the restart, with its bytes', async () => {
  const first = await start();
  const uploads = BlobServiceClient.fromConnectionString(first.connectionString).getContainerClient('firmware-uploads');
  await uploads.createIfNotExists();
  const bytes = Buffer.alloc(64_000, 7);
  await uploads.getBlockBlobClient('fw/line-controller-2.0.0.bin').uploadData(bytes);
  await killed(first.pid);

  const second = await start();
  const blob = BlobServiceClient.fromConnectionString(second.connectionString).getContainerClient('firmware-uploads').getBlobClient('fw/line-controller-2.0.0.bin');
  expect(await blob.exists()).toBe(true);
  expect((await blob.downloadToBuffer()).equals(bytes)).toBe(true);
});
