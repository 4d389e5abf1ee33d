/**
 * The reference device agent as devices run it: real agent processes (the built CLI) against the real local IoT
 * Hub, commands written through the service SDK, signed packages from a local HTTP server. Scenarios run
 * concurrently, each with its own device and data dir, so the file stays well under a minute.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TelemetryMessage } from '../../../local-iothub/hub-state';
import { startLocalIotHub, type LocalIotHub } from '../../../local-iothub';
import { sdkClients, type SdkClients } from '../../support/iothub-sdk';
import {
  currentSlot, killAllAgents, makeSigning, PackageServer, recordReports, requireBuiltAgent, signedCommand, startAgent, until, writeTrustFile,
  type AgentProcess, type Signing,
} from './agent-harness';

let dir: string;
let hub: LocalIotHub;
let sdk: SdkClients;
let signing: Signing;
let reports: ReturnType<typeof recordReports>;
const server = new PackageServer();
const telemetry: TelemetryMessage[] = [];

beforeAll(async () => {
  requireBuiltAgent();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-updates-'));
  hub = await startLocalIotHub({ dataDir: path.join(dir, 'hub') });
  sdk = sdkClients(hub);
  reports = recordReports(hub);
  hub.state.onTelemetry((message) => telemetry.push(message));
  signing = await makeSigning();
  writeTrustFile(path.join(dir, 'hub', 'device-trust.json'), signing);
  await server.start();
});

afterAll(async () => {
  await killAllAgents();
  reports?.stop();
  sdk?.close();
  await hub?.stop();
  await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const v110 = { 'fw.bin': Buffer.from('firmware 1.1.0 '.repeat(2000)), 'app.cfg': Buffer.from('{"mode":"line"}') };
const v120 = { 'fw.bin': Buffer.from('firmware 1.1.0 '.repeat(1990) + 'firmware 1.2.0 patched '.repeat(10)), 'app.cfg': Buffer.from('{"mode":"line"}') };

function agent(deviceId: string, extra: string[] = []): { dataDir: string; start(): AgentProcess } {
  const dataDir = path.join(dir, deviceId);
  const args = ['--device', deviceId, '--hub', hub.connectionInfoFile, '--data', dataDir, '--tags', 'site=plant-1,model=ctl-a',
    '--trial-passes', '2', '--probe-interval', '0.2', '--telemetry-interval', '1', ...extra];
  return { dataDir, start: () => startAgent(args) };
}

async function send(deviceId: string, command: Record<string, unknown>): Promise<void> {
  await sdk.registry.updateTwin(deviceId, { properties: { desired: { ota: { command } } } }, '*');
}

/** Waits for the final report of a command; the failure message shows what the device said and logged. */
function finalReport(deviceId: string, commandId: string, proc: () => AgentProcess) {
  return until(
    () => reports.of(deviceId).find((r) => r.commandId === commandId && (r.state === 'succeeded' || r.state === 'failed')),
    `the final report of ${commandId}`,
    () => `reports: ${JSON.stringify(reports.of(deviceId))}\nagent output:\n${proc().output()}`,
  );
}

const statesOf = (deviceId: string, commandId: string) => reports.of(deviceId).filter((r) => r.commandId === commandId).map((r) => r.state);
const connected = (deviceId: string, proc: AgentProcess) => until(() => hub.state.isConnected(deviceId), `${deviceId} to connect`, () => proc.output());

test.concurrent('installs a signed package (downloading → installing → succeeded), then the next one as a delta; sends health telemetry', async () => {
  const device = agent('happy-1', ['--health-cmd', 'test -f version.json && echo \'{"cycleTimeMs": 812, "note": "ok"}\'']);
  const proc = device.start();
  await connected('happy-1', proc);

  await send('happy-1', await signedCommand('r-1:w1:b1:install', { version: '1.1.0', releaseCounter: 1, files: v110 }, signing, server, 'happy-1'));
  const done = await finalReport('happy-1', 'r-1:w1:b1:install', () => proc);
  expect(done).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0', healthy: true, delivery: { kind: 'full' } });
  // `error: null` in a merge patch removes the property: no stale error is left on the twin.
  expect(done.error).toBeUndefined();
  expect(statesOf('happy-1', 'r-1:w1:b1:install')).toEqual(['downloading', 'installing', 'succeeded']);
  expect(currentSlot(device.dataDir)).toBe(path.join('slots', 'b'));
  expect(JSON.parse(fs.readFileSync(path.join(device.dataDir, 'current', 'version.json'), 'utf8'))).toMatchObject({ name: 'firmware', version: '1.1.0', releaseCounter: 1 });
  expect(fs.readFileSync(path.join(device.dataDir, 'current', 'fw.bin')).equals(v110['fw.bin'])).toBe(true);

  await send('happy-1', await signedCommand('r-2:w1:b1:install', { version: '1.2.0', releaseCounter: 2, files: v120, deltaFrom: { version: '1.1.0', files: v110 } }, signing, server, 'happy-1'));
  const delta = await finalReport('happy-1', 'r-2:w1:b1:install', () => proc);
  expect(delta).toMatchObject({ state: 'succeeded', installedVersion: '1.2.0', delivery: { kind: 'delta' } });
  expect(delta.delivery!.bytes).toBeLessThan(v120['fw.bin'].length);
  expect(currentSlot(device.dataDir)).toBe(path.join('slots', 'a'));
  expect(fs.readFileSync(path.join(device.dataDir, 'current', 'fw.bin')).equals(v120['fw.bin'])).toBe(true);

  const health = await until(
    () => telemetry.find((m) => m.deviceId === 'happy-1' && JSON.parse(m.body.toString()).version === '1.2.0'),
    'a health message for 1.2.0', () => proc.output(),
  );
  expect(health.properties).toMatchObject({ type: 'health', '$.ct': 'application/json', '$.ce': 'utf-8' });
  const body = JSON.parse(health.body.toString());
  expect(body).toMatchObject({ type: 'health', version: '1.2.0', healthy: true, metrics: { restarts: 0, errorRate: 0, cycleTimeMs: 812 } });
  expect(typeof body.metrics.cpuPercent).toBe('number');
  expect(body.metrics.note).toBeUndefined();
  expect(Number.isNaN(Date.parse(body.at))).toBe(false);
});

test.concurrent('refuses a tampered file and a downgraded package with their codes; the old version keeps running', async () => {
  const device = agent('refuse-1');
  const proc = device.start();
  await connected('refuse-1', proc);

  await send('refuse-1', await signedCommand('r-3:w1:b1:install', { version: '1.1.0', releaseCounter: 1, files: v110, served: { 'fw.bin': Buffer.from('firmware 1.1.0 with a backdoor '.repeat(900)) } }, signing, server, 'refuse-1'));
  const tampered = await finalReport('refuse-1', 'r-3:w1:b1:install', () => proc);
  expect(tampered).toMatchObject({ state: 'failed', installedVersion: '1.0.0', error: { code: 'file-mismatch' }, delivery: { kind: 'refused' } });

  // The factory slot has release counter 0: a package signed with counter 0 is a roll back.
  await send('refuse-1', await signedCommand('r-4:w1:b1:install', { version: '1.5.0', releaseCounter: 0, files: v110 }, signing, server, 'refuse-1'));
  const downgrade = await finalReport('refuse-1', 'r-4:w1:b1:install', () => proc);
  expect(downgrade).toMatchObject({ state: 'failed', installedVersion: '1.0.0', error: { code: 'downgrade' } });

  // A merge patch: the previous command's package fields are removed explicitly, as a replacing command does.
  await send('refuse-1', { id: 'r-5:w1:b1:install', kind: 'install', update: { provider: 'contoso', name: 'firmware', version: '1.6.0' }, signedManifest: null, files: null });
  expect(await finalReport('refuse-1', 'r-5:w1:b1:install', () => proc)).toMatchObject({ state: 'failed', installedVersion: '1.0.0', error: { code: 'no-package' } });
  expect(currentSlot(device.dataDir)).toBe(path.join('slots', 'a'));
  expect(fs.existsSync(path.join(device.dataDir, 'slots', 'b', 'fw.bin'))).toBe(false);
});

test.concurrent('rolls back by itself when the health command fails on the new version: failed/health-probe', async () => {
  const device = agent('sick-1', ['--health-cmd', 'test "$OTA_VERSION" != 1.1.0']);
  const proc = device.start();
  await connected('sick-1', proc);
  await send('sick-1', await signedCommand('r-6:w1:b1:install', { version: '1.1.0', releaseCounter: 1, files: v110 }, signing, server, 'sick-1'));
  const failed = await finalReport('sick-1', 'r-6:w1:b1:install', () => proc);
  expect(failed).toMatchObject({ state: 'failed', installedVersion: '1.0.0', healthy: false, error: { code: 'health-probe', message: expect.stringContaining('exited with 1') } });
  expect(statesOf('sick-1', 'r-6:w1:b1:install')).toEqual(['downloading', 'installing', 'failed']);
  expect(currentSlot(device.dataDir)).toBe(path.join('slots', 'a'));
});

test.concurrent('resumes a download after kill -9 (HTTP Range from the partial file) and succeeds', async () => {
  const device = agent('resume-1');
  let proc = device.start();
  await connected('resume-1', proc);
  const big = { 'fw.bin': Buffer.from(Array.from({ length: 20_000 }, (_, i) => `block ${i};`).join('')) };
  await send('resume-1', await signedCommand('r-7:w1:b1:install', { version: '1.1.0', releaseCounter: 1, files: big, bytesPerTick: 8192 }, signing, server, 'resume-1'));
  await until(() => (server.sent.get('/resume-1/1.1.0/fw.bin') ?? 0) > 40_000 && (server.sent.get('/resume-1/1.1.0/fw.bin') ?? 0) < big['fw.bin'].length / 2, 'half the download', () => proc.output());
  await proc.kill('SIGKILL');
  const partial = fs.readdirSync(path.join(device.dataDir, 'downloads')).find((name) => name.endsWith('.part'));
  expect(partial).toBeDefined();

  proc = device.start();
  const done = await finalReport('resume-1', 'r-7:w1:b1:install', () => proc);
  expect(done).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0' });
  expect(server.requests.some((r) => /^\/resume-1\/1\.1\.0\/fw\.bin bytes=[1-9]\d*-$/.test(r))).toBe(true);
  // Downloaded once in total (plus at most what was in flight at the kill).
  expect(server.sent.get('/resume-1/1.1.0/fw.bin')!).toBeLessThan(big['fw.bin'].length * 1.5);
  expect(fs.readFileSync(path.join(device.dataDir, 'current', 'fw.bin')).equals(big['fw.bin'])).toBe(true);
});

test.concurrent('after kill -9 during the trial, the restarted agent reverts and reports failed/trial-interrupted', async () => {
  const device = agent('trial-1', ['--trial-passes', '1000', '--health-cmd', 'true']);
  let proc = device.start();
  await connected('trial-1', proc);
  await send('trial-1', await signedCommand('r-8:w1:b1:install', { version: '1.1.0', releaseCounter: 1, files: v110 }, signing, server, 'trial-1'));
  await until(() => {
    const journal = JSON.parse(fs.readFileSync(path.join(device.dataDir, 'journal.json'), 'utf8')) as { job?: { phase: string } };
    return journal.job?.phase === 'trial';
  }, 'the trial to start', () => proc.output());
  expect(currentSlot(device.dataDir)).toBe(path.join('slots', 'b'));
  await proc.kill('SIGKILL');

  proc = device.start();
  const failed = await finalReport('trial-1', 'r-8:w1:b1:install', () => proc);
  expect(failed).toMatchObject({ state: 'failed', installedVersion: '1.0.0', error: { code: 'trial-interrupted' } });
  expect(currentSlot(device.dataDir)).toBe(path.join('slots', 'a'));
});
