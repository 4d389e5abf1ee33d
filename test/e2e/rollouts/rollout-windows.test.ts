/** Maintenance windows (cron + IANA time zone per site): each site's devices are updated only inside its window. */
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from './fixtures';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: false });
  await registerUpdate(stack);
});
afterAll(async () => { await stack?.stop(); });

/** Local hour and minute of an instant in a time zone. */
function localTime(iso: string, timeZone: string): { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  return { hour: Number(parts.find((p) => p.type === 'hour')!.value), minute: Number(parts.find((p) => p.type === 'minute')!.value) };
}

it('waits for each site window, and every device installs inside its own window', async () => {
  // Start from a known time: the next 10:00 UTC, when neither window is open.
  const clock = (await (await fetch(`${stack.url}/admin/host/clock`)).json()) as { now: string };
  const next10 = new Date(clock.now);
  next10.setUTCDate(next10.getUTCDate() + 1);
  next10.setUTCHours(10, 0, 0, 0);
  await fetch(`${stack.url}/admin/host/clock/advance`, { method: 'POST', body: JSON.stringify({ to: next10.toISOString() }) });

  const windows = [
    { site: 'plant-a', cron: '0 22 * * *', timeZone: 'Europe/Berlin', duration: 'PT4H' },
    { site: 'plant-b', cron: '30 1 * * 1-5', timeZone: 'America/Chicago', duration: 'PT3H' },
  ];
  const { status, body } = await stack.api('POST', 'rollouts', rolloutBody({ maintenanceWindows: windows, waves: [{ percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }] }));
  expect(status).toBe(201);
  let waiting: any;
  for (let i = 0; i < 100 && !/maintenance window/.test(waiting?.reason ?? ''); i++) {
    waiting = (await stack.api('GET', `rollouts/${body.id}`)).body;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(waiting.reason).toMatch(/waiting for the maintenance window of plant-[ab] opening/);
  expect(waiting.counts.dispatched).toBe(0);

  await stack.setTimeSkip(true);
  const done = await waitForRollout(stack, body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled'], 90000);
  expect(done.status).toBe('Completed');
  const installs = await Promise.all([
    ...Array.from({ length: 120 }, (_, i) => stack.api('GET', `devices/a-${i}`)),
    ...Array.from({ length: 80 }, (_, i) => stack.api('GET', `devices/b-${i}`)),
  ]);
  for (const { body: device } of installs) {
    const window = windows.find((w) => w.site === device.tags.site)!;
    // The install started half a second before the device's last report, inside the window.
    const started = new Date(Date.parse(device.lastReportAt) - 500).toISOString();
    const { hour, minute } = localTime(started, window.timeZone);
    const minutes = hour * 60 + minute;
    const opens = window.site === 'plant-a' ? 22 * 60 : 90;
    const length = window.site === 'plant-a' ? 240 : 180;
    expect({ device: device.deviceId, inside: (minutes - opens + 1440) % 1440 < length }).toEqual({ device: device.deviceId, inside: true });
  }
});
