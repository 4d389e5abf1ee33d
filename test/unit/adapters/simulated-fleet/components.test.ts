/** Other software on a device (components such as a bootloader) is updated by commands of its update name. */
import { parseFleetProfile } from '../../../../adapters/simulated-fleet/fleet-profile';
import { SimulatedFleet } from '../../../../adapters/simulated-fleet/simulated-fleet';

const t0 = '2026-11-25T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();
const fleet = () => new SimulatedFleet(parseFleetProfile({
  devices: [{ count: 2, idPrefix: 'd-', tags: { model: 'ctl-a' }, installedVersion: '2.0.0', software: { bootloader: '1.0.0' } }],
}));
const command = (updateName: string, version: string, commandId: string, kind: 'install' | 'restore' = 'install') =>
  ({ deviceId: 'd-0', desired: { commandId, rolloutId: 'r', updateName, version, kind } });

it('installs a component without touching the main firmware, and reports the component version', async () => {
  const f = fleet();
  await f.applyDesired([command('bootloader', '1.2.0', 'c1')], t0);
  expect((await f.readReports(['d-0'], at(1000)))[0]).toMatchObject({ installedVersion: '1.2.0', state: 'succeeded' });
  expect(await f.getDevice('d-0')).toMatchObject({ installedVersion: '2.0.0', software: { bootloader: '1.2.0' } });
  expect((await f.queryDevices({ deviceIds: ['d-1'] }))[0]).toMatchObject({ software: { bootloader: '1.0.0' } });
});

it('restores a component to its previous version', async () => {
  const f = fleet();
  await f.applyDesired([command('bootloader', '1.2.0', 'c1')], t0);
  await f.readReports(['d-0'], at(1000));
  await f.applyDesired([command('bootloader', '1.0.0', 'c2', 'restore')], at(2000));
  await f.readReports(['d-0'], at(3000));
  expect(await f.getDevice('d-0')).toMatchObject({ installedVersion: '2.0.0', software: { bootloader: '1.0.0' } });
});

it('installs the main firmware when the update name is not a component', async () => {
  const f = fleet();
  await f.applyDesired([command('line-controller', '3.0.0', 'c1')], t0);
  await f.readReports(['d-0'], at(1000));
  expect(await f.getDevice('d-0')).toMatchObject({ installedVersion: '3.0.0', software: { bootloader: '1.0.0' } });
});
