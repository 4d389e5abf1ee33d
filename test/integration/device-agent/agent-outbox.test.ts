/**
 * Reports made while the hub is unreachable stay in the agent's outbox (in its journal) and reach the twin, in
 * order, once the hub is back: the hub is stopped mid-download and restarted on the same data dir and ports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalIotHub, type LocalIotHub } from '../../../local-iothub';
import { sdkClients } from '../../support/iothub-sdk';
import { killAllAgents, makeSigning, PackageServer, recordReports, requireBuiltAgent, signedCommand, startAgent, until, writeTrustFile } from './agent-harness';

let dir: string;
let hub: LocalIotHub | undefined;
const server = new PackageServer();

beforeAll(async () => {
  requireBuiltAgent();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-outbox-'));
  await server.start();
});

afterAll(async () => {
  await killAllAgents();
  await hub?.stop();
  await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface JournalView {
  committed: string;
  outbox: { commandId?: string; state: string }[];
}

const readJournal = (dataDir: string): JournalView => JSON.parse(fs.readFileSync(path.join(dataDir, 'journal.json'), 'utf8')) as JournalView;

it('keeps the reports made while the hub is down and sends them in order when it is back', async () => {
  const hubDir = path.join(dir, 'hub');
  const dataDir = path.join(dir, 'outbox-1');
  hub = await startLocalIotHub({ dataDir: hubDir });
  const { httpsPort, mqttsPort } = hub;
  const signing = await makeSigning();
  writeTrustFile(path.join(hubDir, 'device-trust.json'), signing);
  let reports = recordReports(hub);
  const proc = startAgent(['--device', 'outbox-1', '--hub', hub.connectionInfoFile, '--data', dataDir, '--tags', 'model=ctl-a', '--trial-passes', '1', '--probe-interval', '0.2']);
  await until(() => hub!.state.isConnected('outbox-1'), 'the agent to connect', () => proc.output());

  const files = { 'fw.bin': Buffer.from(Array.from({ length: 6000 }, (_, i) => `line ${i};`).join('')) };
  const command = await signedCommand('r-9:w1:b1:install', { version: '2.0.0', releaseCounter: 4, files, bytesPerTick: 4096 }, signing, server, 'outbox-1');
  const sdk = sdkClients(hub);
  try {
    await sdk.registry.updateTwin('outbox-1', { properties: { desired: { ota: { command } } } }, '*');
  } finally {
    sdk.close();
  }
  await until(() => reports.of('outbox-1').some((r) => r.commandId === 'r-9:w1:b1:install' && r.state === 'downloading'), 'the downloading report', () => proc.output());
  reports.stop();
  await hub.stop();
  hub = undefined;

  // Offline, the agent finishes: installed, tried, committed; the reports wait in its journal.
  await until(() => {
    const journal = readJournal(dataDir);
    return journal.committed === 'b' && journal.outbox.length >= 2;
  }, 'the install to finish offline', () => `${JSON.stringify(readJournal(dataDir))}\n${proc.output()}`);
  expect(readJournal(dataDir).outbox.map((r) => r.state)).toEqual(['installing', 'succeeded']);

  hub = await startLocalIotHub({ dataDir: hubDir, httpsPort, mqttsPort });
  reports = recordReports(hub);
  const twin = hub.state;
  await until(() => {
    const ota = twin.requireTwin('outbox-1').reported.ota as { commandId?: string; state?: string } | undefined;
    return ota?.commandId === 'r-9:w1:b1:install' && ota.state === 'succeeded';
  }, 'the succeeded report on the twin', () => proc.output(), 20_000);
  expect(reports.of('outbox-1').map((r) => r.state)).toEqual(['installing', 'succeeded']);
  expect(reports.of('outbox-1')[1]).toMatchObject({ installedVersion: '2.0.0', healthy: true });
  await until(() => readJournal(dataDir).outbox.length === 0, 'the outbox to empty', () => proc.output());
  reports.stop();

  // SIGTERM closes the connection and ends the process within a few seconds.
  const stoppedAt = Date.now();
  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  expect(Date.now() - stoppedAt).toBeLessThan(5000);
  await until(() => !hub!.state.isConnected('outbox-1'), 'the device to go offline', () => proc.output());
});
