/**
 * Virtual devices' health messages leave the local hub through its built-in events endpoint: a fleet profile with
 * a short interval, a receiver standing in for the devhost's Event Hubs delivery API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalIotHub, type LocalIotHub } from '../../../local-iothub';
import { startEventReceiver, type EventReceiver } from '../../support/event-receiver';
import { waitFor } from '../../support/iothub-device';

let hub: LocalIotHub | undefined;
let receiver: EventReceiver | undefined;
let dir: string | undefined;

afterAll(async () => {
  await hub?.stop();
  await receiver?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('each virtual device’s health message reaches the events URL with the contract’s shape and properties', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'health-events-'));
  const profile = path.join(dir, 'fleet.json');
  fs.writeFileSync(profile, JSON.stringify({
    devices: [{ count: 3, idPrefix: 'hv-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.4.2', updateName: 'line-controller' }],
    healthTelemetry: { interval: 'PT1S' },
  }));
  receiver = await startEventReceiver();
  // The events URL is set after start, as start-local does once it knows the devhost's port.
  hub = await startLocalIotHub({ fleetProfile: profile });
  hub.setEventsEndpoint(receiver.url);

  const events = await waitFor(() => {
    const all = receiver!.batches.flatMap((b) => b.events);
    return new Set(all.map((e) => e.systemProperties['iothub-connection-device-id'])).size === 3 ? all : undefined;
  }, 'a health message from each device', 10_000);
  const event = events.find((e) => e.systemProperties['iothub-connection-device-id'] === 'hv-1')!;
  expect(event.properties).toEqual({ type: 'health' });
  expect(event.systemProperties).toMatchObject({ 'content-type': 'application/json', 'content-encoding': 'utf-8', 'iothub-message-source': 'Telemetry' });
  expect(JSON.parse(Buffer.from(event.body, 'base64').toString('utf8'))).toEqual({
    type: 'health', version: '1.4.2', healthy: true, at: expect.any(String),
    metrics: { restarts: 0, errorRate: expect.any(Number), cycleTimeMs: expect.any(Number), cpuPercent: expect.any(Number) },
  });
});
