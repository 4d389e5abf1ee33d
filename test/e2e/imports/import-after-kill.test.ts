/**
 * A firmware import survives a crash of the stack: an upload acknowledged just before a `kill -9` imports after the
 * restart on the same data, and an import that failed (its event came before its blob) is retried by Event Grid's
 * redelivery of the same event. Each version is imported once, with a release counter of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { blobCreatedEvent } from '../../../reliability/support/blob-created-event';
import { startLocalStack, writeProfile, type LocalStack } from '../../support/local-stack';

let dataRoot: string;
let stack: LocalStack | undefined;
const fleet = writeProfile({ devices: [{ count: 5, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' }] });

beforeAll(() => { dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'import-after-kill-')); });
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
});

const start = async () => (stack = await startLocalStack({ fleet, dataDir: path.join(dataRoot, 'data') }));

function uploads(current: LocalStack) {
  const connection = /Blob storage \(Azurite\): (\S+)/.exec(current.output())?.[1];
  if (!connection) throw new Error(`start-local printed no Azurite connection string:\n${current.output().slice(0, 2000)}`);
  return BlobServiceClient.fromConnectionString(connection).getContainerClient('firmware-uploads');
}

async function deliver(current: LocalStack, event: unknown): Promise<void> {
  const res = await fetch(`${current.url}/runtime/webhooks/eventgrid?functionName=onFirmwareUploaded`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, body: JSON.stringify([event]),
  });
  expect(res.status).toBeLessThan(300);
}

async function settled(current: LocalStack, eventId: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const { status, body } = await current.api('GET', `imports/${eventId}`);
    if (status === 200 && body.status !== 'Importing') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the import of ${eventId} never settled`);
}

it('imports an upload acknowledged just before a kill -9, and retries a failed import on redelivery', async () => {
  let current = await start();
  const rule = await current.api('PUT', 'import-rules/line-controller', {
    source: { blobPrefix: 'fw/' }, update: { provider: 'contoso', name: 'line-controller' }, compatibility: [{ model: 'ctl-a' }],
  });
  expect(rule.status).toBeLessThan(300);
  const v2 = Buffer.alloc(64_000, 2);
  const blob2 = uploads(current).getBlockBlobClient('fw/line-controller-2.0.0.bin');
  await blob2.uploadData(v2);
  await current.kill9();

  current = await start();
  const first = blobCreatedEvent('fw/line-controller-2.0.0.bin', v2.length, blob2.url);
  await deliver(current, first);
  expect(await settled(current, first.id)).toMatchObject({ status: 'Imported' });

  // The event of 3.0.0 arrives before its blob can be read: the import fails and says why.
  const blob3 = uploads(current).getBlockBlobClient('fw/line-controller-3.0.0.bin');
  const early = blobCreatedEvent('fw/line-controller-3.0.0.bin', 64_000, blob3.url);
  await deliver(current, early);
  expect(await settled(current, early.id)).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/^import failed: the uploaded blob firmware-uploads\/fw\/line-controller-3.0.0.bin cannot be read: 404/) });
  // Event Grid redelivers it once the blob is there: the import runs again and succeeds.
  await blob3.uploadData(Buffer.alloc(64_000, 3));
  await deliver(current, early);
  expect(await settled(current, early.id)).toMatchObject({ status: 'Imported' });
  // A redelivery of an imported event changes nothing.
  await deliver(current, first);
  expect(await settled(current, first.id)).toMatchObject({ status: 'Imported' });

  const { body: { items: updates } } = await current.api('GET', 'updates?name=line-controller');
  expect(updates.map((u: any) => [u.updateId.version, u.manifest.releaseCounter]).sort()).toEqual([['2.0.0', 1], ['3.0.0', 2]]);
}, 120000);
