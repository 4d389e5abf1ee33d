/**
 * The local hub's durability: identities, twins and jobs survive a restart on the same data dir, a `kill -9` of
 * a hub process (the compiled CLI, as users run it), and journal compaction.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startLocalIotHub, type LocalIotHub } from '../../../local-iothub';
import { HubState } from '../../../local-iothub/hub-state';
import { HubJobs } from '../../../local-iothub/jobs';
import { HubJournal } from '../../../local-iothub/persistence';
import { HubQuotas } from '../../../local-iothub/quotas';
import { eventually, sdkClients, useTempDir } from '../../support/iothub-sdk';

const repoRoot = path.resolve(__dirname, '../../..');
const cli = path.join(repoRoot, 'dist/local-iothub/cli.js');
const tempDir = useTempDir('local-iothub-persist-');
const hubs = new Set<LocalIotHub>();
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const hub of hubs) await hub.stop();
});

async function start(dataDir: string, extra: Parameters<typeof startLocalIotHub>[0] = {}): Promise<LocalIotHub> {
  const hub = await startLocalIotHub({ dataDir, sku: 'S3', quotaOverrides: { jobOperations: Infinity, queries: Infinity }, ...extra });
  hubs.add(hub);
  return hub;
}

async function stop(hub: LocalIotHub): Promise<void> {
  await hub.stop();
  hubs.delete(hub);
}

async function jobDone(hub: LocalIotHub, jobId: string): Promise<Record<string, unknown>> {
  const sdk = sdkClients(hub);
  try {
    return await eventually(async () => {
      const job = (await sdk.jobs.getJob(jobId)).jobStatus as unknown as Record<string, unknown>;
      return job.status === 'completed' && job;
    }, `job ${jobId}`);
  } finally {
    sdk.close();
  }
}

it('keeps identities, twins, jobs, keys and the CA across a restart', async () => {
  const dataDir = path.join(tempDir(), 'restart');
  const fleetProfile = path.join(tempDir(), 'fleet.json');
  fs.writeFileSync(fleetProfile, JSON.stringify({
    devices: [{ count: 40, idPrefix: 'v-', tags: { site: 'plant-v', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller' }],
    behaviors: [],
    seed: 'persist',
  }));
  const first = await start(dataDir, { fleetProfile });
  const sdk = sdkClients(first);
  let key: string;
  let etag: string;
  try {
    const { responseBody: device } = await sdk.registry.create({ deviceId: 'kept-1', status: 'disabled' });
    key = device.authentication!.symmetricKey!.primaryKey!;
    await sdk.registry.addDevices([{ deviceId: 'kept-2' }, { deviceId: 'gone' }]);
    await sdk.registry.delete('gone');
    const { responseBody: twin } = await sdk.registry.updateTwin('kept-2', { tags: { site: 'plant-k' }, properties: { desired: { ota: { command: { id: 'c-9' } } } } }, '*');
    etag = twin.etag;
    first.state.patchReported('kept-2', { ota: { state: 'idle' } });
    await sdk.jobs.scheduleTwinUpdate('persisted-job', "tags.site = 'plant-v'", { tags: { wave: 2 } } as never, new Date(), 600);
  } finally {
    sdk.close();
  }
  await jobDone(first, 'persisted-job');
  const { serviceConnectionString, caCertFile } = first;
  const ca = fs.readFileSync(caCertFile, 'utf8');
  await stop(first);

  const second = await start(dataDir, { fleetProfile });
  // One hub per data dir: a second would interleave its journal writes.
  await expect(start(dataDir)).rejects.toThrow(/in use/);
  expect(second.serviceConnectionString.replace(/:\d+;/, ':PORT;')).toBe(serviceConnectionString.replace(/:\d+;/, ':PORT;'));
  expect(fs.readFileSync(second.caCertFile, 'utf8')).toBe(ca);
  expect(second.state.identities.size).toBe(42);
  const sdk2 = sdkClients(second);
  try {
    const { responseBody: kept } = await sdk2.registry.get('kept-1');
    expect(kept).toMatchObject({ status: 'disabled', authentication: { symmetricKey: { primaryKey: key } } });
    await expect(sdk2.registry.get('gone')).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
    const { responseBody: twin } = await sdk2.registry.getTwin('kept-2');
    expect(twin).toMatchObject({ etag, tags: { site: 'plant-k' }, properties: { desired: { ota: { command: { id: 'c-9' } } }, reported: { ota: { state: 'idle' } } } });
    const { responseBody: virtual } = await sdk2.registry.getTwin('v-0');
    expect(virtual.tags).toMatchObject({ site: 'plant-v', wave: 2 });
    const job = (await sdk2.jobs.getJob('persisted-job')).jobStatus as unknown as Record<string, unknown>;
    expect(job).toMatchObject({ status: 'completed', deviceJobStatistics: { deviceCount: 40, succeededCount: 40 } });
    const { result } = await sdk2.registry.createQuery("SELECT * FROM devices.jobs WHERE jobId = 'persisted-job'", 1000).next(undefined as unknown as string);
    expect(result).toHaveLength(40);
  } finally {
    sdk2.close();
  }
  await stop(second);
});

it('keeps what a hub process answered before it was killed with SIGKILL', async () => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does)`);
  const dataDir = path.join(tempDir(), 'killed');
  const child = spawn(process.execPath, [cli, '--data', dataDir, '--sku', 'S3', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<{ serviceConnectionString: string; httpsPort: number; caCertFile: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /local IoT Hub ready (\{.*\})/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(JSON.parse(match[1]!));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the hub exited with ${code}:\n${output}`)));
  });
  // The child's hub, seen through the SDK as any client would.
  const remote = { ...info, hostName: 'localhost', mqttsPort: 0 } as unknown as LocalIotHub;
  const sdk = sdkClients(remote);
  try {
    await sdk.registry.addDevices(Array.from({ length: 50 }, (_, i) => ({ deviceId: `k-${i}` })));
    await sdk.registry.updateTwin('k-7', { tags: { site: 'plant-x' }, properties: { desired: { v: 7 } } }, '*');
    await sdk.jobs.scheduleTwinUpdate('killed-job', "STARTSWITH(deviceId, 'k-1')", { tags: { marked: true } } as never, new Date(), 600);
  } finally {
    sdk.close();
  }
  child.kill('SIGKILL');
  await exited;
  children.delete(child);

  const restored = await start(dataDir);
  expect(restored.serviceConnectionString.split(';').slice(1)).toEqual(info.serviceConnectionString.split(';').slice(1));
  expect(restored.state.identities.size).toBe(50);
  expect(restored.state.twins.get('k-7')).toMatchObject({ tags: { site: 'plant-x' }, desired: { v: 7 } });
  // The job was accepted before the kill: it exists, and runs to the end after the restart.
  const job = await jobDone(restored, 'killed-job');
  expect(job).toMatchObject({ deviceJobStatistics: { deviceCount: 11, succeededCount: 11 } });
  expect(restored.state.twins.get('k-13')!.tags).toMatchObject({ marked: true });
  await stop(restored);
}, 60_000);

it('compacts the journal into a snapshot and restores from snapshot + journal', async () => {
  const dir = path.join(tempDir(), 'compact');
  const open = () => {
    const state = new HubState();
    const jobs = new HubJobs({ state, quotas: new HubQuotas({ now: state.now }) });
    const journal = HubJournal.open({ dir, state, jobs, minCompactBytes: 20_000 });
    return { state, journal };
  };
  const { state, journal } = open();
  for (let i = 0; i < 100; i++) state.createIdentity({ deviceId: `c-${i}` });
  journal.flush();
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 100; i++) state.patchReported(`c-${i}`, { round });
    journal.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await eventually(() => journal.stats().compactions > 0, 'a compaction');
  state.deleteIdentity('c-5');
  await journal.close();
  expect(fs.existsSync(path.join(dir, 'snapshot.jsonl'))).toBe(true);
  expect(journal.stats().journalBytes).toBeLessThan(2 * journal.stats().liveBytes + 20_000);

  const reopened = open();
  expect(reopened.state.identities.size).toBe(99);
  expect(reopened.state.twins.get('c-42')!.reported).toEqual({ round: 19 });
  expect(reopened.state.identities.get('c-42')!.primaryKey).toBe(state.identities.get('c-42')!.primaryKey);
  await reopened.journal.close();
});
