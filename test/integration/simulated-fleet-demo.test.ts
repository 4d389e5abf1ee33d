/**
 * The built-in demo fleet tells the story the scripted demo needs: ctl-b devices fail 2.0.0, ctl-a devices take
 * it, a restore puts everyone back on 1.0.0, and all of it survives a restart from the data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProfilePath } from '../../adapters/simulated-fleet/fleet-profile';
import { SimulatedFleet } from '../../adapters/simulated-fleet/simulated-fleet';
import type { DesiredVersion } from '../../domain/fleet/fleet-port';

const start = Date.parse('2030-01-01T08:00:00.000Z');
const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();

function send(deviceIds: readonly string[], desired: Omit<DesiredVersion, 'rolloutId' | 'updateName'>) {
  return deviceIds.map((deviceId) => ({ deviceId, desired: { ...desired, rolloutId: 'demo', updateName: 'line-controller' } }));
}

describe('demo fleet profile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'simulated-fleet-demo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('canary on plant-a: ctl-b fails 2.0.0, ctl-a succeeds, restore brings all back, state survives a restart', async () => {
    const stateFile = join(dir, 'fleet.jsonl');
    const fleet = SimulatedFleet.fromProfileFile(demoProfilePath, { stateFile });
    expect(fleet.size).toBe(2000);

    const plantA = await fleet.queryDevices({ query: "SELECT * FROM devices WHERE tags.site = 'plant-a'" });
    expect(plantA).toHaveLength(700);
    const canary = [...plantA.filter((d) => d.tags.model === 'ctl-a').slice(0, 5), ...plantA.filter((d) => d.tags.model === 'ctl-b').slice(0, 5)];
    const canaryIds = canary.map((d) => d.deviceId);

    await fleet.applyDesired(send(canaryIds, { commandId: 'demo:canary', version: '2.0.0', kind: 'install' }), at(0));
    const reports = await fleet.readReports(canaryIds, at(1));
    const stateOf = (model: string) => new Set(reports.filter((r) => canary.find((d) => d.deviceId === r.deviceId)?.tags.model === model).map((r) => r.state));
    expect(stateOf('ctl-a')).toEqual(new Set(['succeeded']));
    expect(stateOf('ctl-b')).toEqual(new Set(['failed']));

    await fleet.applyDesired(send(canaryIds, { commandId: 'demo:restore', version: '1.0.0', kind: 'restore' }), at(2));
    const restarted = SimulatedFleet.fromProfileFile(demoProfilePath, { stateFile });
    const restored = await restarted.readReports(canaryIds, at(3));
    expect(restored.every((r) => r.installedVersion === '1.0.0' && r.state === 'succeeded')).toBe(true);
    expect(restarted.commandsReceived(canaryIds[0] as string)).toEqual(['demo:canary', 'demo:restore']);

    const untouched = (await restarted.queryDevices({ query: "tags.site IN ['plant-b', 'plant-c']" })).map((d) => d.deviceId);
    expect(untouched.every((id) => restarted.commandsReceived(id).length === 0)).toBe(true);
  });
});
