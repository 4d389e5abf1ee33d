import type { DeviceReport, InstallState } from '../../../../domain/fleet/device';
import { classifyDevice } from '../../../../domain/rollouts/device-classifier';
import type { DeviceRolloutState } from '../../../../domain/rollouts/rollout-status';

const dispatchedAt = '2025-06-01T10:00:00.000Z';
const minutesAfterDispatch = (minutes: number) => new Date(Date.parse(dispatchedAt) + minutes * 60_000).toISOString();

function report(state: InstallState, installedVersion: string, lastReportMinute: number | undefined, healthy = true): DeviceReport {
  return { deviceId: 'a-1', state, installedVersion, healthy, lastReportAt: lastReportMinute === undefined ? undefined : minutesAfterDispatch(lastReportMinute) };
}

describe('classifyDevice (target 2.0.0, device timeout 30 min)', () => {
  it.each<[string, DeviceRolloutState, DeviceReport | undefined, number]>([
    ['installed the target and reports healthy', 'succeeded', report('succeeded', '2.0.0', 5), 6],
    ['installed the target but reports unhealthy', 'unhealthy', report('succeeded', '2.0.0', 5, false), 6],
    ['idles on the target (nothing to install)', 'succeeded', report('idle', '2.0.0', 1), 2],
    ['reports the install failed', 'failed', report('failed', '1.0.0', 3), 4],
    ['still shows a failure from before this command', 'dispatched', report('failed', '1.0.0', -60), 4],
    ['has not answered yet, within the timeout', 'dispatched', report('idle', '1.0.0', -5), 29],
    ['has not answered for longer than the timeout', 'silent', report('idle', '1.0.0', -5), 31],
    ['never reported at all, within the timeout', 'dispatched', undefined, 30],
    ['never reported at all, past the timeout', 'silent', undefined, 31],
    ['is installing and reported recently', 'dispatched', report('installing', '1.0.0', 40), 60],
    ['is installing but went quiet past the timeout', 'silent', report('installing', '1.0.0', 10), 41],
    ['is downloading and reported recently', 'dispatched', report('downloading', '1.0.0', 40), 60],
    ['is downloading but went quiet past the timeout', 'silent', report('downloading', '1.0.0', 10), 41],
    ['shows a stale install from before the command, within the timeout of the dispatch', 'dispatched', report('installing', '1.0.0', -120), 20],
    ['answered idle on the old version, within the timeout', 'dispatched', report('idle', '1.0.0', 2), 20],
    ['answered idle on the old version and never started, past the timeout', 'silent', report('idle', '1.0.0', 25), 31],
    ['succeeded on another version (an earlier command)', 'dispatched', report('succeeded', '1.5.0', -10), 10],
  ])('a device that %s is %s', (_, expected, deviceReport, nowMinute) => {
    const state = classifyDevice({ report: deviceReport, targetVersion: '2.0.0', dispatchedAt, now: minutesAfterDispatch(nowMinute), deviceTimeoutMs: 30 * 60_000 });
    expect(state).toBe(expected);
  });

  it.each<[string, DeviceRolloutState, DeviceReport, number]>([
    ['names this command and failed, its clock an hour behind', 'failed', { ...report('failed', '1.0.0', -60), commandId: 'ro-1:w0:b0:install' }, 5],
    ['names an earlier command and failed after the dispatch', 'dispatched', { ...report('failed', '1.0.0', 3), commandId: 'ro-0:w2:b1:install' }, 5],
    ['names an earlier command and is still installing it, past the timeout', 'silent', { ...report('installing', '1.0.0', 40), commandId: 'ro-0:w2:b1:install' }, 41],
    ['names this command and is installing, its clock behind', 'dispatched', { ...report('installing', '1.0.0', -60), commandId: 'ro-1:w0:b0:install' }, 20],
  ])('a device whose report %s is %s', (_, expected, deviceReport, nowMinute) => {
    const state = classifyDevice({ report: deviceReport, targetVersion: '2.0.0', dispatchedAt, now: minutesAfterDispatch(nowMinute), deviceTimeoutMs: 30 * 60_000, commandId: 'ro-1:w0:b0:install' });
    expect(state).toBe(expected);
  });

  it('refuses a time that is not ISO 8601 rather than guessing', () => {
    expect(() => classifyDevice({ report: undefined, targetVersion: '2.0.0', dispatchedAt: 'yesterday', now: dispatchedAt, deviceTimeoutMs: 1 })).toThrow("dispatchedAt 'yesterday'");
  });
});
