/**
 * A signed firmware rollout through the local stack: firmware uploaded to Azurite is imported (the second version
 * with a delta from the first), then rolled out; the simulated devices verify the package, those holding the
 * delta's base take the delta and the others the full file.
 */
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { rolloutBody } from './fixtures';
import { uploadFirmware } from '../../support/firmware-upload';

const onBase = Array.from({ length: 20 }, (_, i) => `b-${i}`);
const older = Array.from({ length: 20 }, (_, i) => `c-${i}`);
const fleet = {
  devices: [
    { count: 20, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0' },
    { count: 20, idPrefix: 'c-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '0.9.0' },
    { count: 10, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
  ],
};

/** 200 KB of firmware; 1.1.0 changes about 1 % of the bytes of 1.0.0. */
function firmware(version: '1.0.0' | '1.1.0'): Buffer {
  const bytes = Buffer.alloc(200_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 17 + (i >> 10)) % 253;
  if (version === '1.1.0') for (let i = 0; i < 2_000; i++) bytes[(i * 6007) % bytes.length] = (i * 11) % 256;
  return bytes;
}

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(fleet), timeSkip: true });
  const rule = await stack.api('PUT', 'import-rules/plc-firmware', {
    source: { blobPrefix: 'plc/' }, update: { provider: 'contoso', name: 'plc-firmware' }, compatibility: [{ model: 'ctl-b' }], deltaFromPrevious: 1,
  });
  expect(rule.status).toBeLessThan(300);
});
afterAll(async () => { await stack?.stop(); });

const uploadPlcFirmware = (version: '1.0.0' | '1.1.0') => uploadFirmware(stack, `plc/plc-${version}.bin`, firmware(version));

it('rolls out signed firmware: deltas to devices on the base version, full files to the others', async () => {
  await uploadPlcFirmware('1.0.0');
  await uploadPlcFirmware('1.1.0');
  const { body: update } = await stack.api('GET', 'updates/contoso/plc-firmware/1.1.0');
  expect(update.manifest.files[0].deltas).toEqual([expect.objectContaining({ baseVersion: '1.0.0' })]);

  const created = await stack.api('POST', 'rollouts', rolloutBody({
    updateId: { provider: 'contoso', name: 'plc-firmware', version: '1.1.0' },
    target: { query: "tags.model = 'ctl-b'" },
    canary: { devices: 4 },
    waves: [{ percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
  }));
  expect(created.status).toBe(201);
  const done = await waitForRollout(stack, created.body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled']);
  expect(done.status).toBe('Completed');
  expect(done.counts).toMatchObject({ targeted: 40, succeeded: 40, failed: 0 });

  const device = async (id: string) => (await stack.api('GET', `devices/${id}`)).body;
  const deltas = await Promise.all(onBase.map(device));
  const fulls = await Promise.all(older.map(device));
  for (const d of [...deltas, ...fulls]) expect(d).toMatchObject({ installedVersion: '1.1.0', state: 'succeeded' });
  for (const d of deltas) expect(d.lastDelivery).toMatchObject({ kind: 'delta', bytes: update.manifest.files[0].deltas[0].sizeInBytes });
  for (const d of fulls) expect(d.lastDelivery).toMatchObject({ kind: 'full', bytes: firmware('1.1.0').length });
  expect(deltas[0].lastDelivery.bytes).toBeLessThan(fulls[0].lastDelivery.bytes / 10);
  expect((await device('a-0'))).toMatchObject({ installedVersion: '1.0.0' });
  expect(await stack.commandsOf('a-0')).toEqual([]);
});
