/**
 * The fleet profile's `metrics` rules: the first rule matching a device's model, site and current version picks its
 * distributions, a metric the rule does not name keeps the model's default, and bad rules are refused naming the
 * JSON path of the field.
 */
import { InvalidFleetProfileError, parseFleetProfile } from '../../../../local-iothub/virtual-devices/fleet-profile';
import { defaultDistribution, distributionsFor } from '../../../../local-iothub/virtual-devices/metric-rules';

const group = { count: 3, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' };

function metricsOf(metrics: unknown) {
  return parseFleetProfile({ devices: [group], metrics }).metrics;
}

function problemsOf(metrics: unknown): string[] {
  try {
    parseFleetProfile({ devices: [group], metrics });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFleetProfileError);
    return (error as InvalidFleetProfileError).problems;
  }
  throw new Error('expected the profile to be refused');
}

describe('distributionsFor', () => {
  const rules = metricsOf([
    { when: { model: 'ctl-b', site: 'plant-b', version: '2.0.0' }, errorRate: { median: 0.01, spread: 0.5 } },
    { when: { model: 'ctl-b', version: '2.0.0' }, cycleTimeMs: { median: 1300, spread: 0.08 }, cpuPercent: { median: 60 } },
    { when: { model: 'ctl-b' }, cycleTimeMs: { median: 1000, spread: 0.08 } },
  ]);
  const ctlB = { site: 'plant-a', model: 'ctl-b' };

  it('picks the rule of the version the device runs, the first match winning', () => {
    expect(distributionsFor(rules, ctlB, '2.0.0').cycleTimeMs).toEqual({ median: 1300, spread: 0.08 });
    expect(distributionsFor(rules, ctlB, '1.0.0').cycleTimeMs).toEqual({ median: 1000, spread: 0.08 });
    // plant-b's ctl-b devices on 2.0.0 match the first rule, which names only errorRate.
    const plantB = distributionsFor(rules, { site: 'plant-b', model: 'ctl-b' }, '2.0.0');
    expect(plantB.errorRate).toEqual({ median: 0.01, spread: 0.5 });
    expect(plantB.cycleTimeMs).toEqual(defaultDistribution('cycleTimeMs', 'ctl-b'));
  });

  it('a metric the rule does not name, and a device no rule matches, keep the model’s default', () => {
    const onTwo = distributionsFor(rules, ctlB, '2.0.0');
    expect(onTwo.cpuPercent).toEqual({ median: 60, spread: 0.15 });
    expect(onTwo.errorRate).toEqual(defaultDistribution('errorRate', 'ctl-b'));
    const ctlA = { site: 'plant-a', model: 'ctl-a' };
    expect(distributionsFor(rules, ctlA, '2.0.0')).toEqual({
      cycleTimeMs: defaultDistribution('cycleTimeMs', 'ctl-a'),
      cpuPercent: defaultDistribution('cpuPercent', 'ctl-a'),
      errorRate: defaultDistribution('errorRate', 'ctl-a'),
    });
  });

  it('defaults: medians within the documented ranges, differing by model, spreads 0.08 / 0.15 / 0.3', () => {
    for (const model of ['ctl-a', 'ctl-b', 'x']) {
      const { median: cycle, spread } = defaultDistribution('cycleTimeMs', model);
      expect(cycle).toBeGreaterThanOrEqual(600);
      expect(cycle).toBeLessThan(1200);
      expect(spread).toBe(0.08);
      expect(defaultDistribution('cpuPercent', model).median).toBeGreaterThanOrEqual(25);
      expect(defaultDistribution('cpuPercent', model).median).toBeLessThan(55);
      expect(defaultDistribution('cpuPercent', model).spread).toBe(0.15);
      expect(defaultDistribution('errorRate', model).median).toBeGreaterThanOrEqual(0.001);
      expect(defaultDistribution('errorRate', model).median).toBeLessThan(0.005);
      expect(defaultDistribution('errorRate', model).spread).toBe(0.3);
    }
    expect(defaultDistribution('cycleTimeMs', 'ctl-a').median).not.toBe(defaultDistribution('cycleTimeMs', 'ctl-b').median);
  });
});

describe('parseFleetProfile: metrics', () => {
  it('defaults to no rules; a rule’s `when` defaults to everything and `spread` to the metric’s default', () => {
    expect(metricsOf(undefined)).toEqual([]);
    expect(metricsOf([{ cycleTimeMs: { median: 900 } }])).toEqual([{ when: {}, cycleTimeMs: { median: 900, spread: 0.08 } }]);
  });

  it.each<[string, unknown, string]>([
    ['not a list', { cycleTimeMs: { median: 1 } }, 'metrics must be an array'],
    ['unknown metric', [{ restarts: { median: 1 } }], 'metrics[0].restarts is not a known field'],
    ['unknown `when` key', [{ when: { versions: '2.0.0' } }], 'metrics[0].when.versions is not a known field'],
    ['`when.version` not a string', [{ when: { version: 2 } }], 'metrics[0].when.version must be a string'],
    ['median missing', [{ cycleTimeMs: { spread: 0.1 } }], 'metrics[0].cycleTimeMs.median is required'],
    ['median not a number', [{ cycleTimeMs: { median: '1300' } }], 'metrics[0].cycleTimeMs.median must be a number'],
    ['zero cycle time', [{ cycleTimeMs: { median: 0 } }], 'metrics[0].cycleTimeMs.median must be greater than 0'],
    ['cpuPercent at its bound', [{}, { cpuPercent: { median: 100 } }], 'metrics[1].cpuPercent.median must be between 0 and 100, both excluded'],
    ['errorRate above 1', [{ errorRate: { median: 1.5 } }], 'metrics[0].errorRate.median must be between 0 and 1, both excluded'],
    ['negative errorRate', [{ errorRate: { median: -0.1 } }], 'metrics[0].errorRate.median must be between 0 and 1, both excluded'],
    ['negative spread', [{ cycleTimeMs: { median: 900, spread: -0.1 } }], 'metrics[0].cycleTimeMs.spread must be between 0 and 5 (a coefficient of variation)'],
    ['spread too large', [{ cpuPercent: { median: 40, spread: 8 } }], 'metrics[0].cpuPercent.spread must be between 0 and 5 (a coefficient of variation)'],
    ['unknown distribution field', [{ cycleTimeMs: { median: 900, mean: 950 } }], 'metrics[0].cycleTimeMs.mean is not a known field'],
  ])('%s is refused naming the path', (_case, metrics, problem) => {
    expect(problemsOf(metrics)).toEqual([problem]);
  });
});
