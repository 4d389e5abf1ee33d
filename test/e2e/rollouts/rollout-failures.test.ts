/** Failures after the canary, silent devices, and a crash of the whole stack mid-wave. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from './fixtures';

const final = ['Completed', 'RolledBack', 'Failed', 'Cancelled'];
const ids = [...Array.from({ length: 120 }, (_, i) => `a-${i}`), ...Array.from({ length: 80 }, (_, i) => `b-${i}`)];
const devices = (stack: LocalStack) => Promise.all(ids.map(async (id) => (await stack.api('GET', `devices/${id}`)).body));

describe('unhealthy devices that only cross the threshold in a large wave', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    const unhealthy = [{ when: { version: '2.0.0' }, unhealthyRate: 0.15 }];
    stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet(unhealthy)), timeSkip: true });
    await registerUpdate(stack);
  });
  afterAll(async () => { await stack?.stop(); });

  it('rolls back in wave 3 and restores waves 3, 2, 1 and the canary, newest first', async () => {
    const body = rolloutBody({
      waves: [{ percent: 25, soak: 'PT1H' }, { percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
      failureThreshold: { percent: 5, minDevices: 80 },
    });
    const { body: created } = await stack.api('POST', 'rollouts', body);
    const done = await waitForRollout(stack, created.id, final);
    expect(done.status).toBe('RolledBack');
    expect(done.reason).toMatch(/wave 3/);
    expect(done.waves.map((w: any) => w.status)).toEqual(['RolledBack', 'RolledBack', 'RolledBack', 'RolledBack']);
    expect(done.counts.rolledBack).toBe(200);
    expect((await devices(stack)).every((d) => d.installedVersion === '1.0.0')).toBe(true);
  });
});

describe('devices that go silent', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    const silentCtlB = [{ when: { model: 'ctl-b', version: '2.0.0' }, offlineRate: 1 }];
    stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet(silentCtlB)), timeSkip: true });
    await registerUpdate(stack);
  });
  afterAll(async () => { await stack?.stop(); });

  it('counts them as failed after the device timeout, rolls back, and says which could not be verified', async () => {
    const { body } = await stack.api('POST', 'rollouts', rolloutBody());
    const done = await waitForRollout(stack, body.id, final);
    expect(done.status).toBe('Failed');
    expect(done.reason).toMatch(/silent/);
    expect(done.reason).toMatch(/roll back not verified: \d+ devices/);
    const fleet = await devices(stack);
    const reachable = fleet.filter((d) => d.tags.model === 'ctl-a');
    expect(reachable.every((d) => d.installedVersion === '1.0.0')).toBe(true);
  });
});

describe('a crash (kill -9 of the whole stack) in the middle of a wave', () => {
  let stack: LocalStack | undefined;
  let dataDir: string;
  beforeAll(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ota-crash-')); });
  afterAll(async () => {
    await stack?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes after a restart on the same data folder, and no device gets a command twice', async () => {
    const profile = writeProfile(twoSiteFleet());
    stack = await startLocalStack({ fleet: profile, dataDir });
    await registerUpdate(stack);
    const { body } = await stack.api('POST', 'rollouts', rolloutBody());
    await waitForRollout(stack, body.id, ['InProgress']);
    await stack.advanceClock('PT40M'); // canary promoted, wave 1 dispatching or soaking
    await new Promise((r) => setTimeout(r, 300));
    await stack.kill9();

    stack = await startLocalStack({ fleet: profile, dataDir, timeSkip: true });
    const done = await waitForRollout(stack, body.id, final);
    expect(done.status).toBe('Completed');
    const fleet = await devices(stack);
    expect(fleet.every((d) => d.installedVersion === '2.0.0')).toBe(true);
    // Counted by the devices themselves (their twins in the local IoT Hub), not by the app.
    for (const device of fleet) {
      expect(await stack.commandsOf(device.deviceId)).toHaveLength(1);
    }
  });
});
