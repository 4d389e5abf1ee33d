/**
 * "Ready" means ready for a first rollout: whatever polls the API while `npm start` comes up never finds the demo
 * update missing, and a script that waits for the first 200 of /api/health and then creates a rollout of it gets
 * 201 (not 422 for an update that is not registered yet).
 */
import net from 'node:net';
import { principalHeaders } from '../../scripts/local-principal';
import { startLocalStack } from '../support/local-stack';

const operator = principalHeaders('ops@contoso.com', ['OTA.Operator']);

/** A port free right now: the pollers must know it before start-local prints its ready line. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GETs `url` every 10 ms, as an impatient script would, until it answers 200; resolves with every status seen (0: no answer). */
async function pollUntilOk(url: string, timeoutMs: number): Promise<number[]> {
  const seen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(url, { headers: operator }).then((res) => res.status, () => 0);
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 200) return seen;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms; seen: ${seen.join(', ')}`);
}

it('never shows the API without the demo update, and accepts a rollout of it right after the first 200 of /api/health', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Polling starts before the stack does, as a script started beside `npm start` would.
  const healthy = pollUntilOk(`${url}/api/health`, 45_000);
  const demoUpdate = pollUntilOk(`${url}/api/updates/contoso/line-controller/2.0.0`, 45_000);
  const starting = startLocalStack({ port });
  try {
    await healthy;
    const res = await fetch(`${url}/api/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...operator },
      body: JSON.stringify({
        updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
        target: { deviceIds: ['plant-a-ctl-a-0', 'plant-a-ctl-a-1', 'plant-b-ctl-b-0'] },
        canary: { devices: 1 },
        canarySoak: 'PT10M',
        waves: [{ percent: 100, soak: 'PT10M' }],
        healthCheckInterval: 'PT5M',
        deviceTimeout: 'PT30M',
        failureThreshold: { percent: 50, minDevices: 1 },
      }),
    });
    expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 201, body: { updateId: { version: '2.0.0' } } });
    // Before the app answers at all: no connection, or the host's 503 while it loads; never a 404 for the update.
    expect(await demoUpdate).not.toContain(404);
  } finally {
    await Promise.allSettled([healthy, demoUpdate]);
    await (await starting.catch(() => undefined))?.stop();
  }
});
