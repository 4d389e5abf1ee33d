/**
 * The fleet profile's `metrics` rules: which distribution each health metric of a virtual device follows, by model,
 * site and the version the device runs now. The first rule whose `when` matches applies; a metric it does not
 * name, or a device no rule matches, keeps the default distribution of its model (see `defaultDistribution`).
 */
import { z } from 'zod';
import { unitInterval } from '../../common/stable-hash';
import { firstMatching, whenSchema, type Tags } from './version-rules';

/** Metrics whose distribution a profile can set; `restarts` follows `healthy` alone. */
export const distributedMetrics = ['cycleTimeMs', 'cpuPercent', 'errorRate'] as const;
export type DistributedMetric = (typeof distributedMetrics)[number];

/**
 * How a metric's values spread. Times are log-normal; a bounded metric's odds value / (upper − value) are, so it
 * never leaves 0 … upper. Either way `median` is the exact median and `spread` the coefficient of variation (of the
 * value for times, of the odds for bounded metrics: close to the value's own for values far from the bound).
 */
export interface Distribution {
  median: number;
  spread: number;
}

export type MetricDistributions = Record<DistributedMetric, Distribution>;

/** Upper bounds of the bounded metrics (exclusive for a median); times have none. */
export const metricUpperBound: Readonly<Record<DistributedMetric, number | undefined>> = { cycleTimeMs: undefined, cpuPercent: 100, errorRate: 1 };

const defaultSpread: Readonly<Record<DistributedMetric, number>> = { cycleTimeMs: 0.08, cpuPercent: 0.15, errorRate: 0.3 };
const maxSpread = 5;

function distributionSchema(metric: DistributedMetric) {
  const upper = metricUpperBound[metric];
  const range = upper === undefined ? 'must be greater than 0' : `must be between 0 and ${upper}, both excluded`;
  const positive = z.number().gt(0, { error: range });
  return z.strictObject({
    median: upper === undefined ? positive : positive.lt(upper, { error: range }),
    spread: z
      .number()
      .min(0, { error: `must be between 0 and ${maxSpread} (a coefficient of variation)` })
      .max(maxSpread, { error: `must be between 0 and ${maxSpread} (a coefficient of variation)` })
      .default(defaultSpread[metric]),
  });
}

export const metricRuleSchema = z.strictObject({
  when: whenSchema,
  cycleTimeMs: distributionSchema('cycleTimeMs').optional(),
  cpuPercent: distributionSchema('cpuPercent').optional(),
  errorRate: distributionSchema('errorRate').optional(),
});

export type MetricRule = z.output<typeof metricRuleSchema>;

/**
 * A model's default: medians of 600 … 1200 ms cycle time, 25 … 55 % CPU and 0.1 … 0.5 % errors, picked by a hash
 * of the model name so models differ. A profile that compares versions should name its medians instead.
 */
export function defaultDistribution(metric: DistributedMetric, model: string): Distribution {
  const position = unitInterval(`model:${model}`);
  const median = { cycleTimeMs: 600 + 600 * position, cpuPercent: 25 + 30 * position, errorRate: 0.001 + 0.004 * position }[metric];
  return { median, spread: defaultSpread[metric] };
}

/** The distributions of a device with these tags while it runs `version`. */
export function distributionsFor(rules: readonly MetricRule[], tags: Tags, version: string): MetricDistributions {
  const rule = firstMatching(rules, tags, version);
  const model = typeof tags.model === 'string' ? tags.model : '';
  const pick = (metric: DistributedMetric): Distribution => rule?.[metric] ?? defaultDistribution(metric, model);
  return { cycleTimeMs: pick('cycleTimeMs'), cpuPercent: pick('cpuPercent'), errorRate: pick('errorRate') };
}
