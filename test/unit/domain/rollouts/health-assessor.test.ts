import { emptyCounts, type DeviceStateCounts } from '../../../../domain/rollouts/rollout-record';
import type { FailureThreshold } from '../../../../domain/rollouts/rollout-spec';
import { assessWave, type WaveAssessment, type WaveVerdict } from '../../../../domain/rollouts/health-assessor';

const counts = (some: Partial<DeviceStateCounts>): DeviceStateCounts => ({ ...emptyCounts(), ...some });
const fivePercent: FailureThreshold = { percent: 5, minDevices: 10 };
const soakEndsAt = '2025-06-01T12:00:00.000Z';
const duringSoak = '2025-06-01T11:00:00.000Z';
const afterSoak = '2025-06-01T12:00:00.000Z';

describe('assessWave', () => {
  it.each<[string, DeviceStateCounts, number, FailureThreshold, string | undefined, string, WaveVerdict, WaveAssessment['code'], string]>([
    ['too many failures by share', counts({ succeeded: 7, failed: 2, unhealthy: 1 }), 10, fivePercent, duringSoak, duringSoak, 'rollback', 'threshold-percent',
      '3 of 10 assessed devices failed (30 %), above the 5 % threshold: 2 install failures, 1 unhealthy, 0 silent'],
    ['silent devices count as failures', counts({ succeeded: 20, silent: 2, dispatched: 78 }), 100, fivePercent, undefined, duringSoak, 'rollback', 'threshold-percent',
      '2 of 22 assessed devices failed (9.09 %), above the 5 % threshold: 0 install failures, 0 unhealthy, 2 silent'],
    ['a failure among too few assessed devices is not yet a share', counts({ succeeded: 8, failed: 1, dispatched: 91 }), 100, fivePercent, undefined, duringSoak, 'wait', 'dispatching',
      'dispatching; 100 of 100 devices sent, 91 installing'],
    ['exactly at the threshold is not above it', counts({ succeeded: 19, failed: 1 }), 20, fivePercent, soakEndsAt, afterSoak, 'promote', 'wave-promoted',
      'soak ended; 19 of 20 devices succeeded, 1 failed (1 install failure, 0 unhealthy, 0 silent)'],
    ['without minDevices, one assessed device is a sample', counts({ failed: 1, dispatched: 9 }), 10, { percent: 50 }, undefined, duringSoak, 'rollback', 'threshold-percent',
      '1 of 1 assessed device failed (100 %), above the 50 % threshold: 1 install failure, 0 unhealthy, 0 silent'],
    ['the absolute count is reached whatever the share', counts({ succeeded: 990, unhealthy: 3, dispatched: 7 }), 1000, { percent: 5, count: 3 }, soakEndsAt, duringSoak, 'rollback', 'threshold-count',
      '3 devices failed, reaching the limit of 3: 0 install failures, 3 unhealthy, 0 silent'],
    ['below the count keeps going', counts({ succeeded: 998, failed: 2 }), 1000, { count: 3 }, soakEndsAt, afterSoak, 'promote', 'wave-promoted',
      'soak ended; 998 of 1000 devices succeeded, 2 failed (2 install failures, 0 unhealthy, 0 silent)'],
    ['still dispatching', counts({ pending: 150, dispatched: 90, succeeded: 10 }), 250, fivePercent, undefined, duringSoak, 'wait', 'dispatching',
      'dispatching; 100 of 250 devices sent, 90 installing'],
    ['devices not counted yet are not sent', counts({ dispatched: 50 }), 250, fivePercent, undefined, duringSoak, 'wait', 'dispatching',
      'dispatching; 50 of 250 devices sent, 50 installing'],
    ['soaking with devices still installing', counts({ succeeded: 238, dispatched: 12 }), 250, fivePercent, soakEndsAt, duringSoak, 'wait', 'soaking',
      `soaking until ${soakEndsAt}; 12 devices still installing`],
    ['soaking, every device done', counts({ succeeded: 250 }), 250, fivePercent, soakEndsAt, duringSoak, 'wait', 'soaking',
      `soaking until ${soakEndsAt}; 250 of 250 devices succeeded so far`],
    ['soak ended but a device is still installing', counts({ succeeded: 249, dispatched: 1 }), 250, fivePercent, soakEndsAt, afterSoak, 'wait', 'soaking',
      'soak ended but 1 device still installing; 249 of 250 devices succeeded so far'],
    ['soak ended and every device succeeded', counts({ succeeded: 250 }), 250, fivePercent, soakEndsAt, afterSoak, 'promote', 'wave-promoted',
      'soak ended; 250 of 250 devices succeeded'],
    ['no threshold never rolls back', counts({ failed: 250 }), 250, {}, soakEndsAt, afterSoak, 'promote', 'wave-promoted',
      'soak ended; 0 of 250 devices succeeded, 250 failed (250 install failures, 0 unhealthy, 0 silent)'],
  ])('%s', (_, waveCounts, deviceCount, threshold, soakEnd, now, verdict, code, reason) => {
    expect(assessWave({ counts: waveCounts, deviceCount, threshold, soakEndsAt: soakEnd, now })).toEqual({ verdict, code, reason });
  });
});
