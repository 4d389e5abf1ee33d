/** With --data, the task hub survives `kill -9`: unfinished instances continue and completed activity results stay. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { json, post, startDevhost, waitForStatus, type DevhostProcess } from '../../support/devhost-process';

let dataDir: string;
let host: DevhostProcess | undefined;
beforeAll(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devhost-data-')); });
afterAll(async () => {
  await host?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('continues every unfinished instance after kill -9 and a restart on the same folder', async () => {
  host = await startDevhost(['--data', dataDir]);
  const fan = (await post(`${host.url}/api/start/fanOut/fan-1`, 2000)).body;
  const waiting = (await post(`${host.url}/api/start/waitForever/wait-1`, {})).body;
  const approval = (await post(`${host.url}/api/start/approval/appr-1`, { timeoutHours: 2 })).body;
  await waitForStatus(host.url, waiting.id, ['Running']);
  await waitForStatus(host.url, approval.id, ['Running']);
  await host.kill9();

  host = await startDevhost(['--data', dataDir]);
  expect((await waitForStatus(host.url, fan.id)).output).toBe(2 * (1999 * 2000) / 2);
  await post(`${host.url}/api/instances/${waiting.id}/events/Go`, 'after restart');
  expect((await waitForStatus(host.url, waiting.id)).output).toEqual({ value: 'after restart', slept: 50 });
  await post(`${host.url}/admin/host/clock/advance`, { by: 'PT3H' });
  expect((await waitForStatus(host.url, approval.id)).output.decision).toBe('expired');
});

it('keeps each completed activity result exactly once in history across a crash mid fan-out', async () => {
  await host?.stop();
  host = await startDevhost(['--data', dataDir]);
  const { body } = await post(`${host.url}/api/start/fanOut/fan-2`, 3000);
  await new Promise((r) => setTimeout(r, 150));
  await host.kill9();
  host = await startDevhost(['--data', dataDir]);
  const done = await waitForStatus(host.url, body.id);
  expect(done.output).toBe(2 * (2999 * 3000) / 2);
  const history = (await json(`${host.url}/runtime/webhooks/durabletask/instances/${body.id}?showHistory=true`)).body.historyEvents as { EventType: string; TaskScheduledId?: number }[];
  const completions = history.filter((e) => e.EventType === 'TaskCompleted').map((e) => e.TaskScheduledId);
  expect(completions).toHaveLength(3000);
  expect(new Set(completions).size).toBe(3000);
});

it('keeps state in memory only without --data', async () => {
  await host?.stop();
  host = await startDevhost();
  await post(`${host.url}/api/start/waitForever/mem-1`, {});
  await host.kill9();
  host = await startDevhost();
  expect((await json(`${host.url}/runtime/webhooks/durabletask/instances/mem-1`)).status).toBe(404);
});
