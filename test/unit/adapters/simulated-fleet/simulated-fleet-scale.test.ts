import { parseFleetProfile } from '../../../../adapters/simulated-fleet/fleet-profile';
import { SimulatedFleet } from '../../../../adapters/simulated-fleet/simulated-fleet';
import { after, commands, ids, t0 } from './fleet-test-profile';

// Sized like the rollout benchmark. No timing assertions (CI machines vary); it must simply complete.
describe('SimulatedFleet at 100,000 devices', () => {
  it('applies and reads back a 5,000-device batch', async () => {
    const fleet = new SimulatedFleet(
      parseFleetProfile({
        devices: [
          { count: 50_000, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
          { count: 50_000, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0' },
        ],
        behaviors: [{ when: { model: 'ctl-b' }, installFailureRate: 0.1, unhealthyRate: 0.05, offlineRate: 0.01 }],
      }),
    );
    expect(fleet.size).toBe(100_000);
    const batch = [...ids('a-', 2_500), ...ids('b-', 2_500)];

    expect(await fleet.applyDesired(commands(batch), t0)).toEqual({ sent: 5_000, alreadyApplied: 0 });
    const reports = await fleet.readReports(batch, after(60_000));
    expect(reports).toHaveLength(5_000);
    expect(reports.filter((r) => r.state === 'failed').length).toBeGreaterThan(0);

    expect(await fleet.queryDevices({ query: "tags.site = 'plant-b'" })).toHaveLength(50_000);
  });
});
