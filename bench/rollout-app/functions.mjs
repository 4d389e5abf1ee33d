// The naive design `npm run bench:rollout` compares against: one orchestration, one activity per device.
// Per wave (canary, then cumulative-percent waves) it dispatches every device with its own activity, waits for
// the soak on a durable timer, then checks every device with its own activity (again after a health-check
// interval for devices still installing). Its devices are a plain map in this process (an install takes 0.5 s of
// durable time): the bench counts orchestration history, which no device protocol changes; no Cosmos, no batches.
import * as df from 'durable-functions';

const installMs = 500;
/** deviceId → { version, commandId, atMs } of the last command. */
const commands = new Map();

df.app.activity('naiveDispatchDevice', {
  handler: async ({ deviceId, version, commandId, at }) => {
    if (commands.get(deviceId)?.commandId === commandId) return 0;
    commands.set(deviceId, { version, commandId, atMs: Date.parse(at) });
    return 1;
  },
});

df.app.activity('naiveCheckDevice', {
  handler: async ({ deviceId, version, at }) => {
    const command = commands.get(deviceId);
    if (!command) return 'missing';
    if (Date.parse(at) < command.atMs + installMs) return 'installing';
    return command.version === version ? 'succeeded' : 'failed';
  },
});

/** Device ids in profile order: `idPrefix` + index, as the fleet profile names them. */
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
