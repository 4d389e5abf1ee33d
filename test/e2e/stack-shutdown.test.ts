/**
 * `npm start` under load: SIGTERM while a rollout to a few thousand virtual devices runs and list calls keep the
 * Cosmos stand-in busy stops the whole stack within a few seconds; a restart on the same port answers at once;
 * and nothing the stack put in the temp folder is left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { json } from '../support/devhost-process';
import { principalHeaders } from '../../scripts/local-principal';
import { startLocalStack, writeProfile, type LocalStack } from '../support/local-stack';
import { registerUpdate, rolloutBody } from './rollouts/fixtures';

/** What the stack and its parts name their temp folders. */
const TEMP_PREFIXES = ['ota-stack-', 'ota-keys-', 'ota-events-', 'local-iothub-', 'fleet-', 'ota-bsdiff-'];
const SIGNAL_TO_EXIT_MS = 8000;

const fleet = writeProfile({
  devices: ['plant-a', 'plant-b', 'plant-c'].map((site, i) => ({
    count: 1000, idPrefix: `${site}-`, tags: { site, model: i === 2 ? 'ctl-b' : 'ctl-a' }, installedVersion: '1.0.0',
  })),
  behaviors: [{ when: { version: '2.0.0' }, installFailureRate: 0, unhealthyRate: 0, offlineRate: 0, installTime: 'PT1S' }],
});

let tempRoot: string;
const stacks: LocalStack[] = [];
const load = new AbortController();

beforeAll(() => { tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-shutdown-test-')); });
afterAll(async () => {
  load.abort();
  await Promise.allSettled(stacks.map((stack) => stack.stop()));
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

/** The stack's temp folders: it runs with TMPDIR set to a folder of this test's own, so other runs do not count. */
const stackTempFolders = () => fs.readdirSync(tempRoot).filter((name) => TEMP_PREFIXES.some((prefix) => name.startsWith(prefix)));

async function start(port = 0): Promise<LocalStack> {
  const stack = await startLocalStack({ fleet, port, timeSkip: true, env: { TMPDIR: tempRoot } });
  stacks.push(stack);
  return stack;
}

/** Keeps `concurrency` list calls in flight until aborted: each reads every rollout from the Cosmos stand-in. */
function keepListing(stack: LocalStack, concurrency: number): void {
  const loop = async (): Promise<void> => {
    while (!load.signal.aborted) {
      await fetch(`${stack.url}/api/rollouts`, { headers: principalHeaders('ops@contoso.com'), signal: load.signal }).then((res) => res.arrayBuffer(), () => undefined);
    }
  };
  for (let i = 0; i < concurrency; i++) void loop().catch(() => undefined);
}

it('stops within a few seconds of SIGTERM while busy, restarts on the same port and leaves no temp folder', async () => {
  expect(stackTempFolders()).toEqual([]);
  const first = await start();
  expect(stackTempFolders().length).toBeGreaterThan(0);

  await registerUpdate(first);
  const created = await first.api('POST', 'rollouts', rolloutBody({
    target: { query: "tags.site IN ['plant-a', 'plant-b', 'plant-c']" },
    canary: { devices: 300 },
  }));
  expect(created.status).toBe(201);
  // Busy: the rollout dispatching to its devices, and many list calls at once.
  for (let i = 0; i < 3; i++) expect((await first.api('POST', 'rollouts', rolloutBody({ canary: { devices: 50 } }))).status).toBe(201);
  keepListing(first, 50);
  const inProgress = Date.now() + 30000;
  while ((await first.api('GET', `rollouts/${created.body.id}`)).body?.status !== 'InProgress') {
    if (Date.now() > inProgress) throw new Error('the rollout did not start dispatching');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const { code, signal, ms } = await first.signal('SIGTERM', SIGNAL_TO_EXIT_MS);
  load.abort();
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(ms).toBeLessThan(SIGNAL_TO_EXIT_MS);
  expect(stackTempFolders()).toEqual([]);

  const port = Number(new URL(first.url).port);
  const second = await start(port);
  expect(second.url).toBe(first.url);
  const health = await json(`${second.url}/api/health`);
  expect(health.status).toBe(200);
  expect(health.body.status).toBe('Healthy');

  expect((await second.signal('SIGINT', SIGNAL_TO_EXIT_MS)).code).toBe(0);
  expect(stackTempFolders()).toEqual([]);
}, 180000);
