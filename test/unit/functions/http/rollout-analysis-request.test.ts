import { rolloutRequestSchema } from '../../../../application/requests/request-schemas';

const base = {
  updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
  target: { query: "tags.site = 'plant-a'" },
  waves: [{ percent: 100, soak: 'PT1H' }],
};
const cycleTime = { name: 'cycleTimeMs', direction: 'lower-is-better', maxRegressionPercent: 10 };

describe('the rollout body\'s analysis', () => {
  it('takes the documented defaults', () => {
    const parsed = rolloutRequestSchema.parse({ ...base, analysis: { metrics: [cycleTime] } });
    expect(parsed.analysis).toEqual({ metrics: [{ ...cycleTime, critical: true }], confidence: 0.95, minSamplesPerCohort: 10, inconclusive: 'extend', maxExtensions: 2 });
  });

  it('is optional', () => {
    expect(rolloutRequestSchema.parse(base).analysis).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['no metrics', { metrics: [] }, 'analysis.metrics'],
    ['a metric name with spaces', { metrics: [{ ...cycleTime, name: 'cycle time' }] }, 'analysis.metrics.0.name'],
    ['an unknown direction', { metrics: [{ ...cycleTime, direction: 'down' }] }, 'analysis.metrics.0.direction'],
    ['a zero regression limit', { metrics: [{ ...cycleTime, maxRegressionPercent: 0 }] }, 'analysis.metrics.0.maxRegressionPercent'],
    ['the same metric twice', { metrics: [cycleTime, cycleTime] }, 'analysis.metrics'],
    ['a confidence of 1', { metrics: [cycleTime], confidence: 1 }, 'analysis.confidence'],
    ['cohorts of 2', { metrics: [cycleTime], minSamplesPerCohort: 2 }, 'analysis.minSamplesPerCohort'],
    ['an unknown inconclusive policy', { metrics: [cycleTime], inconclusive: 'ignore' }, 'analysis.inconclusive'],
    ['an unknown field', { metrics: [cycleTime], alpha: 0.05 }, 'analysis'],
  ])('refuses %s, naming the field', (_case, analysis, field) => {
    const result = rolloutRequestSchema.safeParse({ ...base, analysis });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});

describe('short text fields', () => {
  it('refuses an update name of 190,000 characters, naming the field (found by the reliability fuzzer)', () => {
    const result = rolloutRequestSchema.safeParse({ ...base, updateId: { ...base.updateId, name: 'a'.repeat(190_000) } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual(['updateId.name', 'at most 256 characters']);
  });
});
