/**
 * Virtual devices send health messages (device twin contract, "Health telemetry") every interval of the hub clock,
 * spread by device, through HubState.sendTelemetry: healthy false after an unhealthy install, nothing from offline
 * or disabled devices, one message (not one per missed interval) after a clock jump.
 */
import type { TelemetryMessage } from '../../../../local-iothub/hub-state';
import { parseFleetProfile } from '../../../../local-iothub/virtual-devices/fleet-profile';
import { ids, send, startHub, stopAll, type Hub } from './hub-fixture';

afterEach(stopAll);

function profile(behaviors: unknown[] = [], healthTelemetry: unknown = { interval: 'PT1M' }) {
  return parseFleetProfile({
    devices: [
      { count: 10, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller' },
      { count: 10, idPrefix: 'b-', tags: { site: 'plant-a', model: 'ctl-b' }, installedVersion: '1.0.0', updateName: 'line-controller' },
    ],
    behaviors,
    seed: 'health',
    healthTelemetry,
  });
}

interface Health { type: string; version: string; healthy: boolean; at: string; metrics: Record<string, number> }

function listen(hub: Hub): TelemetryMessage[] {
  const messages: TelemetryMessage[] = [];
  hub.state.onTelemetry((m) => messages.push(m));
  return messages;
}

const body = (m: TelemetryMessage): Health => JSON.parse(m.body.toString('utf8')) as Health;
const byDevice = (messages: TelemetryMessage[]) => new Map(messages.map((m) => [m.deviceId, body(m)]));

describe('virtual devices: health telemetry', () => {
  it('each device sends one message per interval, spread over the interval, in the contract’s shape', () => {
    const hub = startHub(profile());
    const messages = listen(hub);
    hub.clock.advance(10_000);
    hub.fleet.tick();
    const early = messages.length;
    expect(early).toBeGreaterThan(0);
    expect(early).toBeLessThan(20);
    hub.clock.advance(50_000);
    hub.fleet.tick();
    expect(messages.map((m) => m.deviceId).sort()).toEqual([...ids('a-', 10), ...ids('b-', 10)].sort());

    const [first] = messages;
    expect(first!.properties).toEqual({ '$.ct': 'application/json', '$.ce': 'utf-8', type: 'health' });
    expect(body(first!)).toEqual({
      type: 'health', version: '1.0.0', healthy: true, at: new Date(first!.enqueuedMs).toISOString(),
      metrics: { restarts: 0, errorRate: expect.any(Number), cycleTimeMs: expect.any(Number), cpuPercent: expect.any(Number) },
    });
    const { metrics } = body(first!);
    expect(metrics.errorRate).toBeGreaterThan(0);
    expect(metrics.errorRate).toBeLessThan(0.01);
    expect(metrics.cpuPercent).toBeGreaterThan(0);
    expect(metrics.cpuPercent).toBeLessThanOrEqual(100);

    hub.clock.advance(60_000);
    hub.fleet.tick();
    expect(messages).toHaveLength(40);
  });

  it('reports healthy: false, with worse metrics, for devices whose install went unhealthy, while they run that version', () => {
    const hub = startHub(profile([{ when: { model: 'ctl-b', version: '2.0.0' }, unhealthyRate: 1, installTime: 'PT10S' }]));
    const messages = listen(hub);
    send(hub.state, [...ids('a-', 10), ...ids('b-', 10)], { id: 'cmd-1' });
    hub.clock.advance(61_000);
    hub.fleet.tick();
    const latest = byDevice(messages);
    for (const id of ids('b-', 10)) expect(latest.get(id)).toMatchObject({ version: '2.0.0', healthy: false, metrics: { restarts: expect.any(Number) } });
    for (const id of ids('a-', 10)) expect(latest.get(id)).toMatchObject({ version: '2.0.0', healthy: true, metrics: { restarts: 0 } });
    expect(latest.get('b-0')!.metrics.restarts).toBeGreaterThanOrEqual(1);
  });

  it('after a clock jump each device sends one message, now, not one per missed interval', () => {
    const hub = startHub(profile());
    const messages = listen(hub);
    hub.clock.advance(3_600_000);
    hub.fleet.tick();
    expect(messages).toHaveLength(20);
    const now = new Date(hub.clock.now()).toISOString();
    expect(new Set(messages.map((m) => body(m).at))).toEqual(new Set([now]));
    hub.clock.advance(60_000);
    hub.fleet.tick();
    expect(messages).toHaveLength(40);
  });

  it('offline and disabled devices send nothing', () => {
    const hub = startHub(profile([{ when: { model: 'ctl-a', version: '2.0.0' }, offlineRate: 1 }]));
    const messages = listen(hub);
    send(hub.state, ids('a-', 10), { id: 'cmd-1' });
    hub.state.updateIdentity('b-3', { status: 'disabled' });
    hub.clock.advance(60_000);
    hub.fleet.tick();
    expect(messages.map((m) => m.deviceId).sort()).toEqual(ids('b-', 10).filter((id) => id !== 'b-3').sort());
  });

  it('healthTelemetry false: no messages', () => {
    const hub = startHub(profile([], false));
    const messages = listen(hub);
    hub.clock.advance(3_600_000);
    hub.fleet.tick();
    expect(messages).toEqual([]);
  });
});
