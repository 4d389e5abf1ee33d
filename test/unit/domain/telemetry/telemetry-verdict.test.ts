import type { HealthSample } from '../../../../domain/telemetry/health-sample';
import { quietWindow, telemetryVerdict, type TelemetryVerdict } from '../../../../domain/telemetry/telemetry-verdict';

const dispatchedAt = '2026-01-10T10:00:00.000Z';
const minute = (m: number) => new Date(Date.parse(dispatchedAt) + m * 60_000).toISOString();

function sample(version: string, healthy: boolean, receivedMinute: number): HealthSample {
  return { deviceId: 'ctl-1', version, healthy, at: minute(receivedMinute), receivedAt: minute(receivedMinute), metrics: {} };
}

describe('telemetryVerdict (target 2.0.0, silence timeout 15 min)', () => {
  it.each<[string, TelemetryVerdict, HealthSample | undefined, number | undefined]>([
    ['never sent health telemetry', undefined, undefined, 60],
    ['healthy on the target, recently', undefined, sample('2.0.0', true, 20), 25],
    ['unhealthy on the target after the command', 'unhealthy', sample('2.0.0', false, 20), 25],
    ['unhealthy on the target before the command (an earlier attempt)', undefined, sample('2.0.0', false, -5), 5],
    ['unhealthy on the old version (it reverted): the twin report judges it', undefined, sample('1.0.0', false, 20), 25],
    ['quiet for 16 min while others keep sending', 'silent', sample('2.0.0', true, 4), 20],
    ['quiet for exactly 15 min', undefined, sample('2.0.0', true, 5), 20],
    ['quiet, but nothing at all has arrived since (the pipeline lags)', undefined, sample('2.0.0', true, 4), 4],
    ['long dead before the command went out (not this update\'s doing)', undefined, sample('1.0.0', true, -30), 60],
    ['last sent just inside the silence timeout before the command, then stopped', 'silent', sample('1.0.0', true, -10), 60],
    ['no progress known yet', undefined, sample('2.0.0', true, 4), undefined],
  ])('a device that %s → %s', (_case, expected, health, progressMinute) => {
    expect(telemetryVerdict({
      sample: health, targetVersion: '2.0.0', dispatchedAt, progress: progressMinute === undefined ? undefined : minute(progressMinute), silenceTimeoutMs: 15 * 60_000,
    })).toBe(expected);
  });

  it('names the field of a date that is not ISO 8601', () => {
    expect(() => telemetryVerdict({ sample: { ...sample('2.0.0', true, 0), receivedAt: 'yesterday' }, targetVersion: '2.0.0', dispatchedAt, progress: minute(1), silenceTimeoutMs: 1 }))
      .toThrow("receivedAt 'yesterday' is not an ISO 8601 date-time");
  });
});

describe('quietWindow', () => {
  it('asks for devices alive a silence timeout before the first dispatch and quiet for a timeout before the progress', () => {
    expect(quietWindow(dispatchedAt, minute(60), 15 * 60_000)).toEqual({ aliveSince: minute(-15), quietBefore: minute(45) });
  });

  it('asks nothing before any telemetry arrived', () => {
    expect(quietWindow(dispatchedAt, undefined, 15 * 60_000)).toBeUndefined();
  });
});
