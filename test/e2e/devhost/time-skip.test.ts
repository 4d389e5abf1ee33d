/** --time-skip: a 10-day durable timer completes in real seconds, and currentUtcDateTime moves with the clock. */
import { post, startDevhost, waitForStatus, type DevhostProcess } from '../../support/devhost-process';

let host: DevhostProcess;
beforeAll(async () => { host = await startDevhost(['--time-skip']); });
afterAll(async () => { await host?.stop(); });

it('skips idle time to the next timer', async () => {
  const began = Date.now();
  const { body } = await post(`${host.url}/api/start/longTimer`);
  const done = await waitForStatus(host.url, body.id);
  const virtualDays = (Date.parse(done.output.end) - Date.parse(done.output.start)) / 86400000;
  expect(virtualDays).toBeGreaterThanOrEqual(10);
  expect(Date.now() - began).toBeLessThan(10000);
});

it('runs a continueAsNew loop with hourly timers through to the end', async () => {
  const { body } = await post(`${host.url}/api/start/counter`, { count: 0, until: 24 });
  expect((await waitForStatus(host.url, body.id)).output).toBe(24);
});
