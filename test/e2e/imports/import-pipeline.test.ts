/**
 * Publishing through the local stack as CI and Event Grid would: an image push and a firmware upload become signed
 * updates whose manifests verify with the published signing keys; duplicates import once; bad events say why.
 */
import { createHash } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { verifySignedManifest } from '../../../device-agent/verify-update';
import { startLocalStack, writeProfile, type LocalStack } from '../../support/local-stack';
import { twoSiteFleet } from '../rollouts/fixtures';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()) });
  await stack.api('PUT', 'import-rules/line-controller-images', {
    source: { repository: 'edge/line-controller' }, update: { provider: 'contoso', name: 'line-controller' }, compatibility: [{ model: 'ctl-a' }],
  });
  await stack.api('PUT', 'import-rules/plc-firmware', {
    source: { blobPrefix: 'plc/' }, update: { provider: 'contoso', name: 'plc-firmware' }, compatibility: [{ model: 'ctl-b' }], deltaFromPrevious: 1,
  });
});
afterAll(async () => { await stack?.stop(); });

const digest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const imagePushed = (id: string, tag: string, repository = 'edge/line-controller') => ({
  id, topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso', subject: `${repository}:${tag}`,
  eventType: 'Microsoft.ContainerRegistry.ImagePushed', eventTime: '2026-11-25T10:00:00Z', dataVersion: '1.0', metadataVersion: '1',
  data: { id: 'x', timestamp: '2026-11-25T10:00:00Z', action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 5120, digest: digest(id), repository, tag }, request: { id: 'r', host: 'contoso.azurecr.io', method: 'PUT' }, actor: { name: 'ci-pipeline' } },
});

async function deliver(functionName: string, events: unknown): Promise<number> {
  const res = await fetch(`${stack.url}/runtime/webhooks/eventgrid?functionName=${functionName}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, body: JSON.stringify(events),
  });
  return res.status;
}

async function settled(eventId: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const { status, body } = await stack.api('GET', `imports/${eventId}`);
    if (status === 200 && body.status !== 'Importing') return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import of ${eventId} never settled`);
}

async function verifyWithPublishedKeys(signedManifest: string) {
  const jwks = (await stack.api('GET', 'signing-keys')).body;
  return verifySignedManifest({
    signedManifest, trustedRoots: jwks.roots, revocationList: jwks.revocationList,
    device: { model: 'ctl-a', installed: {} }, now: new Date().toISOString(),
  });
}

it('an image push becomes a signed update whose signature verifies with /api/signing-keys', async () => {
  expect(await deliver('onImagePushed', [imagePushed('evt-img-1', '2.1.0')])).toBeLessThan(300);
  expect(await settled('evt-img-1')).toMatchObject({ status: 'Imported', updateId: { version: '2.1.0' } });
  const { body: update } = await stack.api('GET', 'updates/contoso/line-controller/2.1.0');
  expect(update.manifest).toMatchObject({
    releaseCounter: 1,
    files: [{ fileName: 'edge/line-controller:2.1.0', sizeInBytes: 5120, hashes: { sha256: Buffer.from(digest('evt-img-1').slice(7), 'hex').toString('base64') } }],
    provenance: { source: 'containerRegistry', eventId: 'evt-img-1', location: 'contoso.azurecr.io/edge/line-controller:2.1.0', pushedBy: 'ci-pipeline' },
  });
  expect(Date.parse(update.manifest.expiresAt)).toBeGreaterThan(Date.now());
  const jwks = (await stack.api('GET', 'signing-keys')).body;
  expect(jwks.keys.map((k: any) => k.kid)).toContain(update.manifest.provenance.signerKeyId);
  expect(await verifyWithPublishedKeys(update.signedManifest)).toMatchObject({ ok: true });
});

it('the same event twice imports once; a later version gets the next release counter', async () => {
  expect(await deliver('onImagePushed', [imagePushed('evt-img-1', '2.1.0')])).toBeLessThan(300);
  expect(await deliver('onImagePushed', [imagePushed('evt-img-2', '2.2.0')])).toBeLessThan(300);
  expect(await settled('evt-img-2')).toMatchObject({ status: 'Imported' });
  const { body: { items: updates } } = await stack.api('GET', 'updates?name=line-controller');
  expect(updates.map((u: any) => [u.updateId.version, u.manifest.releaseCounter])).toEqual(expect.arrayContaining([['2.1.0', 1], ['2.2.0', 2]]));
  expect(updates).toHaveLength(2);
});

it('imports nothing, says why and acknowledges: unmatched repository, non-semver tag, malformed and unknown events', async () => {
  expect(await deliver('onImagePushed', [imagePushed('evt-other', '1.0.0', 'edge/unknown'), imagePushed('evt-latest', 'latest')])).toBeLessThan(300);
  expect((await settled('evt-other')).reason).toMatch(/no import rule for repository 'edge\/unknown'/);
  expect((await settled('evt-latest')).reason).toMatch(/tag 'latest' is not a semantic version/);
  const deleted = { ...imagePushed('evt-deleted', '1.0.0'), eventType: 'Microsoft.ContainerRegistry.ImageDeleted' };
  expect(await deliver('onImagePushed', [deleted])).toBeLessThan(300);
  expect(await settled('evt-deleted')).toMatchObject({ status: 'Ignored', reason: expect.stringMatching(/unsupported event type/) });
  const noDigest = imagePushed('evt-nodigest', '3.0.0');
  delete (noDigest.data.target as Record<string, unknown>).digest;
  expect(await deliver('onImagePushed', [noDigest])).toBeLessThan(300);
  expect(await settled('evt-nodigest')).toMatchObject({ status: 'Ignored', reason: expect.stringMatching(/data.target.digest/) });
});

it('a firmware upload to Azurite gets correct size and SHA-256, and the next version a delta from it', async () => {
  const connection = /Blob storage \(Azurite\): (\S+)/.exec(stack.output())?.[1];
  if (!connection) throw new Error(`start-local printed no Azurite connection string:\n${stack.output().slice(0, 2000)}`);
  const blobs = BlobServiceClient.fromConnectionString(connection);
  const uploads = blobs.getContainerClient('firmware-uploads');
  const v1 = Buffer.alloc(300_000, 7);
  for (let i = 0; i < v1.length; i += 997) v1[i] = i % 251;
  const v2 = Buffer.from(v1);
  for (let i = 0; i < 3000; i++) v2[(i * 7919) % v2.length] = i % 256;
  const upload = async (name: string, bytes: Buffer, id: string) => {
    await uploads.getBlockBlobClient(name).uploadData(bytes);
    const url = uploads.getBlockBlobClient(name).url;
    return deliver('onFirmwareUploaded', [{
      id, subject: `/blobServices/default/containers/firmware-uploads/blobs/${name}`, eventType: 'Microsoft.Storage.BlobCreated', eventTime: '2026-11-25T10:00:00Z',
      data: { api: 'PutBlob', contentType: 'application/octet-stream', contentLength: bytes.length, blobType: 'BlockBlob', url }, dataVersion: '', metadataVersion: '1',
    }]);
  };
  expect(await upload('plc/plc-1.0.0.bin', v1, 'evt-fw-1')).toBeLessThan(300);
  expect(await settled('evt-fw-1')).toMatchObject({ status: 'Imported' });
  expect(await upload('plc/plc-1.1.0.bin', v2, 'evt-fw-2')).toBeLessThan(300);
  expect(await settled('evt-fw-2')).toMatchObject({ status: 'Imported' });
  const { body } = await stack.api('GET', 'updates/contoso/plc-firmware/1.1.0');
  const [file] = body.manifest.files;
  expect(file).toMatchObject({ fileName: 'plc-1.1.0.bin', sizeInBytes: v2.length, hashes: { sha256: createHash('sha256').update(v2).digest('base64') } });
  expect(file.deltas).toEqual([expect.objectContaining({ baseVersion: '1.0.0', baseSha256: createHash('sha256').update(v1).digest('base64') })]);
  expect(file.deltas[0].sizeInBytes).toBeLessThan(v2.length / 10);
});

it("an import rule's automatic rollout starts a rollout of every imported version, once", async () => {
  await stack.api('PUT', 'import-rules/auto', {
    source: { repository: 'edge/auto-controller' }, update: { provider: 'contoso', name: 'auto-controller' }, compatibility: [{ model: 'ctl-a' }],
    autoRollout: { target: { query: "tags.model = 'ctl-a'" }, canary: { devices: 5 }, waves: [{ percent: 100, soak: 'PT1H' }] },
  });
  expect(await deliver('onImagePushed', [imagePushed('evt-auto-1', '5.0.0', 'edge/auto-controller')])).toBeLessThan(300);
  const record = await settled('evt-auto-1');
  expect(record.reason).toMatch(/automatic rollout ro-[0-9a-f-]+ started/);
  const rolloutId = /automatic rollout (ro-[0-9a-f-]+)/.exec(record.reason)![1];
  const { body: rollout } = await stack.api('GET', `rollouts/${rolloutId}`);
  expect(rollout).toMatchObject({ createdBy: 'import-rule:auto', updateId: { name: 'auto-controller', version: '5.0.0' }, counts: { targeted: 120 } });
  const all = (await stack.api('GET', 'rollouts')).body.items.filter((r: any) => r.updateId.name === 'auto-controller');
  expect(all).toHaveLength(1);
});
