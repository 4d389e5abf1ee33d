// The naive design `npm run bench:rollout` compares against: one orchestration, one activity per device.
// Per wave (canary, then cumulative-percent waves) it dispatches every device with its own activity, waits for
// the soak on a durable timer, then checks every device with its own activity (again after a health-check
// interval for devices still installing). The activities drive a SimulatedFleet built from the same profile
// file as the real design's (FLEET_PROFILE), through the compiled adapter; no Cosmos, no batches.
import * as df from 'durable-functions';
import { SimulatedFleet } from '../../dist/adapters/simulated-fleet/simulated-fleet.js';

const profilePath = process.env.FLEET_PROFILE;
if (!profilePath) throw new Error('naive bench app: set FLEET_PROFILE to the fleet profile file');
const fleet = SimulatedFleet.fromProfileFile(profilePath);

df.app.activity('naiveDispatchDevice', {
  handler: async ({ deviceId, rolloutId, updateName, version, commandId, at }) => {
    const { sent } = await fleet.applyDesired([{ deviceId, desired: { commandId, rolloutId, updateName, version, kind: 'install' } }], at);
    return sent;
  },
});

df.app.activity('naiveCheckDevice', {
  handler: async ({ deviceId, version, at }) => {
    const [report] = await fleet.readReports([deviceId], at);
    if (!report) return 'missing';
    if (report.state === 'installing') return 'installing';
    return report.state === 'succeeded' && report.installedVersion === version && report.healthy ? 'succeeded' : 'failed';
  },
});

/** Device ids in profile order: `idPrefix` + index, as the simulated fleet names them. */
function deviceIdsOf(groups) {
  const ids = [];
  for (const { idPrefix, count } of groups) for (let i = 0; i < count; i++) ids.push(`${idPrefix}${i}`);
  return ids;
}

df.app.orchestration('naiveRollout', function* (context) {
  const { groups, updateName, version, canaryPercent, wavePercents, soakMs, healthCheckIntervalMs } = context.df.getInput();
  const rolloutId = context.df.instanceId;
  const now = () => context.df.currentUtcDateTime;
  const ids = deviceIdsOf(groups);
  const ends = [canaryPercent, ...wavePercents].map((percent) => Math.ceil((ids.length * percent) / 100));
  let start = 0;
  let failed = 0;
  for (const [wave, end] of ends.entries()) {
    const deviceIds = ids.slice(start, end);
    start = end;
    const at = now().toISOString();
    const commandId = `${rolloutId}:wave:${wave}:install`;
    yield context.df.Task.all(deviceIds.map((deviceId) =>
      context.df.callActivity('naiveDispatchDevice', { deviceId, rolloutId, updateName, version, commandId, at })));
    yield context.df.createTimer(new Date(now().getTime() + soakMs));
    let open = deviceIds;
    for (;;) {
      const checkedAt = now().toISOString();
      const states = yield context.df.Task.all(open.map((deviceId) => context.df.callActivity('naiveCheckDevice', { deviceId, version, at: checkedAt })));
      failed += states.filter((s) => s === 'failed' || s === 'missing').length;
      open = open.filter((_, i) => states[i] === 'installing');
      if (open.length === 0) break;
      yield context.df.createTimer(new Date(now().getTime() + healthCheckIntervalMs));
    }
    if (failed > 0) return { status: 'Failed', wave, failed };
  }
  return { status: 'Completed', devices: ids.length };
});
