/** Prerequisites: devices lacking them are refused with the list, or given them first when the operator asks. */
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { lineController, rolloutBody } from './fixtures';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    fleet: writeProfile({
      devices: [
        { count: 20, idPrefix: 'old-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', software: { bootloader: '1.0.0' } },
        { count: 20, idPrefix: 'new-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', software: { bootloader: '1.2.0' } },
      ],
    }),
    timeSkip: true,
  });
  const file = (name: string) => [{ fileName: name, sizeInBytes: 1, hashes: { sha256: 'eA==' } }];
  const register = (body: unknown) => stack.api('POST', 'updates', body);
  expect((await register({ updateId: { provider: 'contoso', name: 'bootloader', version: '1.1.0' }, compatibility: [{ model: 'ctl-a' }], files: file('bl-1.1.0') })).status).toBe(201);
  expect((await register({ updateId: { provider: 'contoso', name: 'bootloader', version: '1.2.0' }, compatibility: [{ model: 'ctl-a' }], files: file('bl-1.2.0') })).status).toBe(201);
  expect((await register({ updateId: lineController('2.0.0'), compatibility: [{ model: 'ctl-a' }], files: file('lc'), prerequisites: [{ name: 'bootloader', minVersion: '1.2.0' }] })).status).toBe(201);
  expect((await register({ updateId: lineController('3.0.0'), compatibility: [{ model: 'ctl-a' }], files: file('lc3'), prerequisites: [{ name: 'bootloader', minVersion: '9.0.0' }] })).status).toBe(201);
});
afterAll(async () => { await stack?.stop(); });

const target = { query: "tags.model = 'ctl-a'" };

it('refuses a rollout to devices lacking a prerequisite, listing them', async () => {
  const { status, body } = await stack.api('POST', 'rollouts', rolloutBody({ target }));
  expect(status).toBe(422);
  expect(body.errors).toEqual([expect.objectContaining({ field: 'target' })]);
  expect(body.detail).toMatch(/20 targeted devices lack prerequisites/);
  expect(body.detail).toMatch(/old-\d+ \(bootloader ≥ 1\.2\.0\)/);
  expect(body.detail).not.toMatch(/new-\d+/);
});

it('sequences on request: the prerequisite goes first to the devices lacking it, then the update to all', async () => {
  const { status, body } = await stack.api('POST', 'rollouts', rolloutBody({ target, sequencePrerequisites: true }));
  expect(status).toBe(201);
  const done = await waitForRollout(stack, body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled'], 90000);
  expect(done.status).toBe('Completed');
  const prerequisite = (await stack.api('GET', 'rollouts')).body.items.find((r: any) => r.updateId.name === 'bootloader');
  expect(prerequisite).toMatchObject({ status: 'Completed', updateId: { version: '1.2.0' }, counts: { targeted: 20 } });
  for (const id of ['old-0', 'old-19', 'new-0']) {
    const device = (await stack.api('GET', `devices/${id}`)).body;
    expect({ id, version: device.installedVersion, bootloader: device.software.bootloader }).toEqual({ id, version: '2.0.0', bootloader: '1.2.0' });
  }
});

it('refuses sequencing when no registered update satisfies the prerequisite', async () => {
  const { status, body } = await stack.api('POST', 'rollouts', rolloutBody({ target, updateId: lineController('3.0.0'), sequencePrerequisites: true }));
  expect(status).toBe(422);
  expect(body.errors).toEqual([expect.objectContaining({ field: 'sequencePrerequisites' })]);
  expect(body.detail).toMatch(/bootloader ≥ 9\.0\.0/);
});
