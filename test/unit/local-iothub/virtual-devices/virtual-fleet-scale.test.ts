/**
 * 100,000 virtual devices provision and each take a command through the hub, as the rollout benchmark needs.
 * No timing assertions (CI machines vary): every device must simply report.
 */
import { parseFleetProfile } from '../../../../local-iothub/virtual-devices/fleet-profile';
import { send, startHub, stopAll } from './hub-fixture';

afterEach(stopAll);

it('100,000 devices provision, accept a command each and report its outcome', () => {
  const profile = parseFleetProfile({
    devices: [
      { count: 50_000, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller', software: { bootloader: '1.4.0' } },
      { count: 50_000, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0', updateName: 'line-controller' },
    ],
    behaviors: [{ when: { model: 'ctl-b' }, installFailureRate: 0.1, unhealthyRate: 0.05, offlineRate: 0.01, installTime: 'PT30S' }],
  });
  const { state, clock, fleet } = startHub(profile);
  expect(state.twins.size).toBe(100_000);

  const ids = [...state.twins.keys()];
  for (const id of ids) send(state, [id], { id: 'cmd-1' });
  expect(ids.every((id) => fleet.commandsReceived(id).length === 1)).toBe(true);

  clock.advance(60_000);
  state.settle();
  const counts: Record<string, number> = {};
  for (const twin of state.twins.values()) {
    const { state: reported } = twin.reported.ota as { state: string };
    counts[reported] = (counts[reported] ?? 0) + 1;
  }
  expect(counts.succeeded! + counts.failed! + counts.installing!).toBe(100_000);
  expect(counts.failed).toBeGreaterThan(4_000);
  // Still installing an hour later: the offline devices (1 % of ctl-b), silent for good.
  expect(counts.installing).toBeGreaterThan(300);
  expect(counts.installing).toBeLessThan(700);
});
