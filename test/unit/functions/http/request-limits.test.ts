import { rolloutRequestSchema, updateRequestSchema } from '../../../../application/requests/request-schemas';
import { validationProblem } from '../../../../functions/http/problem';
import { requestLimits } from '../../../../application/requests/request-limits';

const base = { updateId: { provider: 'contoso', name: 'fw', version: '1.0.0' }, waves: [{ percent: 100, soak: 'PT1M' }] };
const ids = (count: number, distinct = count) => Array.from({ length: count }, (_, i) => `dev-${i % distinct}`);

function fieldErrors(body: unknown): { field: string; message: string }[] {
  const parsed = rolloutRequestSchema.safeParse(body);
  if (parsed.success) return [];
  return (validationProblem(parsed.error).jsonBody as { errors: { field: string; message: string }[] }).errors;
}

describe('rollout request limits', () => {
  test('the issue\'s 170,000 duplicate device ids are refused naming target.deviceIds and the limit', () => {
    const started = Date.now();
    const errors = fieldErrors({ ...base, target: { deviceIds: ids(170_000, 400) } });
    expect(errors).toContainEqual({ field: 'target.deviceIds', message: 'at most 10,000 device ids' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('duplicate device ids are refused, naming some of them', () => {
    const errors = fieldErrors({ ...base, target: { deviceIds: ['a', 'b', 'a', 'c', 'b'] } });
    expect(errors).toEqual([{ field: 'target.deviceIds', message: 'device ids must be unique: 2 appear more than once (a, b)' }]);
  });

  test('10,000 distinct device ids are accepted', () => {
    expect(rolloutRequestSchema.safeParse({ ...base, target: { deviceIds: ids(requestLimits.deviceIdsPerTarget) } }).success).toBe(true);
  });

  test('a device id longer than IoT Hub allows is refused', () => {
    expect(fieldErrors({ ...base, target: { deviceIds: ['x'.repeat(129)] } })).toEqual([
      { field: 'target.deviceIds[0]', message: 'a device id has at most 128 characters' },
    ]);
  });

  test.each([
    ['waves', { waves: Array.from({ length: 21 }, () => ({ percent: 5, soak: 'PT1M' })) }, 'waves', 'at most 20 waves'],
    ['approvers', { approval: { approvers: Array.from({ length: 101 }, (_, i) => `a${i}`), timeout: 'PT1H' } }, 'approval.approvers', 'at most 100 approvers'],
    ['stages', { approval: { stages: Array.from({ length: 11 }, (_, i) => ({ name: `s${i}`, approvers: ['a'], timeout: 'PT1H' })) } }, 'approval.stages', 'at most 10 stages'],
    ['maintenance windows', { maintenanceWindows: Array.from({ length: 51 }, () => ({ cron: '0 2 * * *', timeZone: 'UTC', duration: 'PT1H' })) }, 'maintenanceWindows', 'at most 50 maintenance windows'],
  ])('too many %s are refused naming the field', (_what, extra, field, message) => {
    expect(fieldErrors({ ...base, target: { query: "tags.site = 'a'" }, ...extra })).toContainEqual({ field, message });
  });
});

describe('update request limits', () => {
  const file = { fileName: 'fw.bin', sizeInBytes: 1, hashes: { sha256: 'x' } };
  test('too many files are refused naming the field', () => {
    const parsed = updateRequestSchema.safeParse({ updateId: base.updateId, compatibility: [{ model: 'm' }], files: Array.from({ length: 101 }, () => file) });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['files', 'at most 100 files']);
  });
});
