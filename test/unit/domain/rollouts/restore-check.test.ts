import type { DeviceReport } from '../../../../domain/fleet/device';
import { isRestored } from '../../../../domain/rollouts/restore-check';

const restoredSince = '2026-01-10T10:00:00.000Z';
const restoreCommandId = 'ro-1:w2:b0:restore';
const report = (overrides: Partial<DeviceReport>): DeviceReport => ({
  deviceId: 'gw-1', installedVersion: '1.0.0', state: 'succeeded', healthy: true, lastReportAt: '2026-01-10T10:01:00.000Z', ...overrides,
});

describe('isRestored (previous version 1.0.0)', () => {
  it.each<[string, DeviceReport | undefined, boolean]>([
    ['answers the restore on 1.0.0', report({ commandId: restoreCommandId }), true],
    ['answers the restore on 1.0.0, its clock an hour behind', report({ commandId: restoreCommandId, lastReportAt: '2026-01-10T09:00:00.000Z' }), true],
    ['answers the restore but is still installing', report({ commandId: restoreCommandId, state: 'installing' }), false],
    ['answers the restore but failed it', report({ commandId: restoreCommandId, state: 'failed' }), false],
    ['answers the restore on another version', report({ commandId: restoreCommandId, installedVersion: '1.1.0' }), false],
    ['still answers the install command (reverted by itself before the restore came)', report({ commandId: 'ro-1:w2:b0:install', state: 'failed' }), false],
    ['names no command, reported 1.0.0 after the restore was sent', report({}), true],
    ['names no command, reported 1.0.0 only before the restore was sent', report({ lastReportAt: '2026-01-10T09:59:00.000Z' }), false],
    ['never reported', undefined, false],
  ])('a device that %s → %s', (_case, deviceReport, expected) => {
    expect(isRestored({ report: deviceReport, fromVersion: '1.0.0', restoreCommandId, restoredSince })).toBe(expected);
  });
});
