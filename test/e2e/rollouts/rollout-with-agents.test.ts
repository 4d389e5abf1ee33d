/**
 * The reference agent in a real rollout: three agent processes, started as the README says, and virtual devices
 * take part in one rollout of signed firmware. The third agent's health command fails on the new version: it
 * reverts by itself, the rollout rolls back, and every device ends on the version its report claims — on disk too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../support/devhost-process';
import { uploadFirmware } from '../../support/firmware-upload';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';

const agentIds = ['gw-agent-1', 'gw-agent-2', 'gw-agent-3'];
const fleet = {
  devices: [{ count: 6, idPrefix: 'gw-virtual-', tags: { site: 'plant-a', model: 'gw-1' }, installedVersion: '1.0.0', updateName: 'gw-firmware' }],
  healthTelemetry: { interval: 'PT10S' },
};

let stack: LocalStack;
let dataRoot: string;
const agents = new Map<string, { child: ChildProcess; data: string; log: () => string }>();

const unwellFlag = (deviceId: string) => path.join(dataRoot, `${deviceId}.unwell`);

function startAgent(deviceId: string, healthCmd: string): void {
  const hubFile = /IoT Hub connection info[^:]*: (\S+)/.exec(stack.output())?.[1];
  if (!hubFile) throw new Error(`no iothub.json printed:\n${stack.output()}`);
  const data = path.join(dataRoot, deviceId);
  // `npm run agent -- …` runs exactly this after its build step.
  const child = spawn(process.execPath, [
    path.join(repoRoot, 'dist/device-agent/agent/cli.js'), '--device', deviceId, '--hub', hubFile, '--data', data,
    '--tags', 'site=plant-a,model=gw-1', '--update-name', 'gw-firmware', '--initial-version', '1.0.0',
    '--health-cmd', healthCmd, '--telemetry-interval', '2', '--probe-interval', '1', '--trial-passes', '3',
  ], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => { log += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
  agents.set(deviceId, { child, data, log: () => log });
}

beforeAll(async () => {
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ota-agents-'));
  stack = await startLocalStack({ fleet: writeProfile(fleet), timeScale: 4 });
  const rule = await stack.api('PUT', 'import-rules/gw-firmware', {
    source: { blobPrefix: 'gw/' }, update: { provider: 'contoso', name: 'gw-firmware' }, compatibility: [{ model: 'gw-1' }],
  });
  expect(rule.status).toBeLessThan(300);
  // Healthy until the test drops a flag file for them, and then only on 1.1.0 (a firmware that degrades after it
  // committed; the previous version, restored, is fine again).
  for (const id of ['gw-agent-1', 'gw-agent-2']) {
    startAgent(id, `node -e "process.exit(require('fs').existsSync('${unwellFlag(id)}') && process.env.OTA_VERSION === '1.1.0' ? 1 : 0)"`);
  }
  // Healthy on the factory version, failing on 1.1.0: the probe of a firmware that boots but does not work.
  startAgent('gw-agent-3', `node -e "process.exit(process.env.OTA_VERSION === '1.1.0' ? 1 : 0)"`);
  // Registered and connected: each agent reports its factory version.
  for (const id of agentIds) {
    await waitFor(async () => (await stack.api('GET', `devices/${id}`)).body?.installedVersion === '1.0.0', `${id} to register`);
  }
}, 120_000);

afterAll(async () => {
  for (const { child } of agents.values()) child.kill('SIGKILL');
  await stack?.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${[...agents.entries()].map(([id, a]) => `--- ${id}\n${a.log().slice(-3000)}`).join('\n')}`);
}

it('rolls back when an agent reverts by itself, and every device ends on the version it reports', async () => {
  await uploadFirmware(stack, 'gw/gw-firmware-1.1.0.bin', Buffer.alloc(64 * 1024, 'gw-firmware 1.1.0\n'));
  const created = await stack.api('POST', 'rollouts', {
    updateId: { provider: 'contoso', name: 'gw-firmware', version: '1.1.0' },
    target: { query: "tags.model = 'gw-1'" },
    canary: { devices: 3 },
    canarySoak: 'PT40S',
    waves: [{ percent: 50, soak: 'PT40S' }, { percent: 100, soak: 'PT40S' }],
    healthCheckInterval: 'PT8S',
    deviceTimeout: 'PT4M',
    failureThreshold: { count: 1 },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const done = await waitForRollout(stack, id, ['Completed', 'RolledBack', 'Failed', 'Cancelled'], 240_000);
  if (done.status !== 'RolledBack') {
    for (const deviceId of agentIds) console.log(deviceId, JSON.stringify((await stack.api('GET', `devices/${deviceId}`)).body), agents.get(deviceId)!.log().slice(-4000));
  }
  expect({ status: done.status, reason: done.reason }).toEqual({ status: 'RolledBack', reason: expect.stringMatching(/1 device failed/) });

  // The failing agent tried the new version, its probes failed, and it switched back by itself (its own log says
  // so; its report then answered the restore, which it already ran).
  expect(agents.get('gw-agent-3')!.log()).toMatch(/install: health probe failed: .*switching back to slot a/);

  // Every device of the rollout is back on 1.0.0 and says so; each agent runs what it reports, on disk.
  const devices = [...agentIds, ...Array.from({ length: 6 }, (_, i) => `gw-virtual-${i}`)];
  for (const deviceId of devices) {
    const device = (await stack.api('GET', `devices/${deviceId}`)).body;
    expect({ deviceId, installedVersion: device.installedVersion }).toEqual({ deviceId, installedVersion: '1.0.0' });
  }
  for (const [deviceId, agent] of agents) {
    const running = JSON.parse(fs.readFileSync(path.join(agent.data, 'current', 'version.json'), 'utf8')) as { version: string };
    expect({ deviceId, version: running.version }).toEqual({ deviceId, version: '1.0.0' });
    // Agents send health telemetry; the service keeps the latest.
    expect((await stack.api('GET', `devices/${deviceId}`)).body.health).toMatchObject({ version: '1.0.0', healthy: true });
  }

  // The report's health timeline and the audit trail show the failure.
  const report = (await stack.api('GET', `reports/rollouts/${id}`)).body;
  const points = report.waves.flatMap((w: { healthTimeline: { failed: number; unhealthy: number }[] }) => w.healthTimeline);
  expect(points.some((p: { failed: number; unhealthy: number }) => p.failed + p.unhealthy > 0)).toBe(true);
  const audit = (await stack.api('GET', `audit?subject=${encodeURIComponent(`rollouts/${id}`)}`)).body.items;
  const entries = JSON.stringify(audit);
  expect(entries).toContain('gw-agent-3 (failed)');
  expect(entries).toMatch(/rollback/i);
}, 300_000);

it('rolls back on health telemetry alone: an agent that committed the update and then turns unhealthy', async () => {
  const created = await stack.api('POST', 'rollouts', {
    updateId: { provider: 'contoso', name: 'gw-firmware', version: '1.1.0' },
    target: { deviceIds: ['gw-agent-1', 'gw-agent-2'] },
    canary: { devices: 1 },
    canarySoak: 'PT4M',
    waves: [{ percent: 100, soak: 'PT1M' }],
    healthCheckInterval: 'PT8S',
    deviceTimeout: 'PT4M',
    failureThreshold: { count: 1 },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  // The canary device installs, passes its trial and commits: its twin report says succeeded and healthy.
  let canary: string | undefined;
  await waitFor(async () => {
    for (const deviceId of ['gw-agent-1', 'gw-agent-2']) {
      const device = (await stack.api('GET', `devices/${deviceId}`)).body;
      if (device.installedVersion === '1.1.0' && device.state === 'succeeded' && device.healthy) canary = deviceId;
    }
    return canary !== undefined;
  }, 'the canary to commit 1.1.0');
  // Then its probes start failing: only its health messages say so.
  fs.writeFileSync(unwellFlag(canary!), '');
  try {
    const done = await waitForRollout(stack, id, ['Completed', 'RolledBack', 'Failed', 'Cancelled'], 120_000);
    expect({ status: done.status, reason: done.reason }).toEqual({ status: 'RolledBack', reason: expect.stringMatching(/0 install failures, 1 unhealthy, 0 silent/) });
  } finally {
    fs.rmSync(unwellFlag(canary!), { force: true });
  }
  const report = (await stack.api('GET', `reports/rollouts/${id}`)).body;
  expect(report.waves[0].healthTimeline.some((p: { unhealthy: number }) => p.unhealthy === 1)).toBe(true);
  expect((await stack.api('GET', `devices/${canary!}`)).body).toMatchObject({ installedVersion: '1.0.0' });
}, 240_000);
