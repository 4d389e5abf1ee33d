/** The health message body: well-known metrics, metrics from the health command, the contract's limits. */
import { numericFields } from '../../../../device-agent/agent/health-probe';
import { healthBody } from '../../../../device-agent/agent/health-telemetry';

const at = '2026-01-01T00:00:00.000Z';

it('takes only the numeric fields of a JSON object line from the health command', () => {
  expect(numericFields('{"cycleTimeMs": 812, "line": "L3", "ok": true, "temp": -4.5}')).toEqual({ cycleTimeMs: 812, temp: -4.5 });
  expect(numericFields('all good')).toEqual({});
  expect(numericFields('[1,2]')).toEqual({});
  expect(numericFields(`{"${'x'.repeat(65)}": 1}`)).toEqual({});
});

it('reports the latest probe with restarts, errorRate and cpuPercent, never letting the command override them', () => {
  const body = healthBody({ version: '2.0.0', probe: { healthy: false, at, reason: 'exit 1', metrics: { cycleTimeMs: 900, restarts: 99 } }, restarts: 2, errorRate: 0.25, cpuPercent: 37.5, at: 'later' });
  expect(body).toEqual({ type: 'health', version: '2.0.0', healthy: false, at, metrics: { restarts: 2, errorRate: 0.25, cpuPercent: 37.5, cycleTimeMs: 900 } });
});

it('keeps at most 32 metrics', () => {
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`m${i}`, i]));
  const body = healthBody({ version: '1.0.0', probe: { healthy: true, at, metrics: many }, restarts: 0, errorRate: 0, cpuPercent: 1, at });
  expect(Object.keys(body.metrics)).toHaveLength(32);
});

it('is healthy, stamped now, before any probe ran', () => {
  expect(healthBody({ version: '1.0.0', probe: undefined, restarts: 0, errorRate: 0, cpuPercent: 0, at })).toMatchObject({ healthy: true, at });
});
