/** Publishing firmware as CI would: upload to Azurite's `firmware-uploads`, then the BlobCreated event to the app. */
import { BlobServiceClient } from '@azure/storage-blob';
import type { LocalStack } from './local-stack';
import { blobCreatedEvent } from '../../reliability/support/blob-created-event';

/** Uploads `bytes` as `blobPath` and waits until the import it triggers has finished as Imported. */
export async function uploadFirmware(stack: LocalStack, blobPath: string, bytes: Buffer): Promise<void> {
  const connection = /Blob storage \(Azurite\): (\S+)/.exec(stack.output())?.[1];
  if (!connection) throw new Error(`start-local printed no Azurite connection string:\n${stack.output().slice(0, 2000)}`);
  const blob = BlobServiceClient.fromConnectionString(connection).getContainerClient('firmware-uploads').getBlockBlobClient(blobPath);
  await blob.uploadData(bytes);
  const event = blobCreatedEvent(blobPath, bytes.length, blob.url);
  const eventId = event.id;
  const res = await fetch(`${stack.url}/runtime/webhooks/eventgrid?functionName=onFirmwareUploaded`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, body: JSON.stringify([event]),
  });
  if (res.status >= 300) throw new Error(`the Event Grid endpoint answered ${res.status}: ${await res.text()}`);
  for (let attempt = 0; attempt < 600; attempt++) {
    const { body } = await stack.api('GET', `imports/${eventId}`);
    if (body?.status && body.status !== 'Importing') {
      if (body.status !== 'Imported') throw new Error(`the import of ${blobPath} ended ${JSON.stringify(body)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the import of ${blobPath} never finished`);
}
