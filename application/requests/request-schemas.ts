/** Request bodies, validated at the edge; inside, the domain types are trusted. */
import { z } from 'zod';
import { isSemver } from '../../common/semver';
import { durationToMs, InvalidDurationError } from '../../domain/duration';
import { defaultHealthSilenceTimeoutMs } from '../../domain/rollouts/rollout-spec';
import { requestLimits as limits } from './request-limits';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** Names, versions, ids and other short text: bounded, so no field can carry a megabyte into storage or a log line. */
const shortText = nonEmpty.max(limits.shortTextLength, `at most ${limits.shortTextLength} characters`);

/** A list of at most `max` entries, saying so when it is longer. */
function atMost<T extends z.ZodType>(item: T, max: number, what: string) {
  return z.array(item).max(max, `at most ${max.toLocaleString('en-US')} ${what}`);
}

/** Duplicate device ids are refused (not silently dropped): the caller learns their list is not what they think. */
const deviceIds = atMost(nonEmpty.max(limits.deviceIdLength, `a device id has at most ${limits.deviceIdLength} characters`), limits.deviceIdsPerTarget, 'device ids')
  .min(1, 'needs at least one device id')
  .superRefine((ids, ctx) => {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const id of ids) (seen.has(id) ? duplicates : seen).add(id);
    if (duplicates.size === 0) return;
    const listed = [...duplicates].slice(0, 5).join(', ');
    ctx.addIssue({ code: 'custom', message: `device ids must be unique: ${duplicates.size} appear more than once (${listed}${duplicates.size > 5 ? ', …' : ''})` });
  });

export const duration = z.string().transform((text, ctx) => {
  try {
    return durationToMs(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof InvalidDurationError ? err.message : 'not a duration' });
    return z.NEVER;
  }
});

const positiveDuration = duration.refine((ms) => ms > 0, 'must be longer than zero');

export const updateIdSchema = z.strictObject({
  provider: shortText.regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
  name: shortText.regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
  version: shortText.refine(isSemver, 'must be a semantic version such as 2.0.0 (what devices accept)'),
});

export const updateRequestSchema = z.strictObject({
  updateId: updateIdSchema,
  compatibility: atMost(z.record(z.string().max(limits.shortTextLength), shortText), limits.compatibilitySets, 'sets of device properties').min(1, 'needs at least one set of device properties'),
  files: atMost(z.strictObject({
    fileName: shortText,
    sizeInBytes: z.number().int().nonnegative(),
    hashes: z.strictObject({ sha256: shortText }),
  }), limits.files, 'files').min(1, 'needs at least one file'),
  prerequisites: atMost(z.strictObject({ name: shortText, minVersion: shortText.refine(isSemver, 'must be a semantic version') }), limits.prerequisites, 'prerequisites').optional(),
});

const target = z.union([
  z.strictObject({ query: nonEmpty.max(limits.targetQueryLength, `at most ${limits.targetQueryLength} characters`) }),
  z.strictObject({ deviceIds }),
], { error: "must be { query: \"tags.site = 'plant-a'\" } or { deviceIds: [...] }" });

const canary = z.union([
  z.strictObject({ devices: z.number().int().positive() }),
  z.strictObject({ percent: z.number().gt(0).max(100) }),
], { error: 'must be { devices: <count> } or { percent: <0-100> }' });

export const rolloutRequestSchema = z.strictObject({
  updateId: updateIdSchema,
  target,
  canary: canary.default({ devices: 1 }),
  canarySoak: positiveDuration.default(30 * 60_000).describe('How long the canary soaks before the first wave: ISO 8601 duration, default PT30M'),
  waves: atMost(z.strictObject({ percent: z.number().gt(0).max(100).describe('Cumulative share of the target updated when this wave ends'), soak: positiveDuration.describe('ISO 8601 duration, e.g. PT1H') }), limits.waves, 'waves').min(1, 'needs at least one wave'),
  healthCheckInterval: positiveDuration.default(60_000).describe('How often each wave is judged: ISO 8601 duration, default PT1M'),
  deviceTimeout: positiveDuration.default(30 * 60_000).describe('A device that has not finished installing after this long counts as failed: ISO 8601 duration, default PT30M'),
  /** A device that was sending health telemetry and stops for this long counts as silent. */
  healthSilenceTimeout: positiveDuration.default(defaultHealthSilenceTimeoutMs).describe('A device that was sending health telemetry and stops for this long counts as silent: ISO 8601 duration, default PT15M'),
  failureThreshold: z.strictObject({
    percent: z.number().min(0).max(100).optional(),
    minDevices: z.number().int().positive().optional(),
    count: z.number().int().positive().optional(),
  }).default({ percent: 5, minDevices: 10 }).describe('Roll back when failed, unhealthy or silent devices of a wave reach percent (once at least minDevices are judged) or count'),
  approval: z.union([
    z.strictObject({
      stages: atMost(z.strictObject({
        name: shortText,
        approvers: atMost(shortText, limits.approversPerStage, 'approvers').min(1, 'needs at least one approver'),
        quorum: z.number().int().positive().default(1),
        timeout: positiveDuration,
      }).refine((s) => s.approvers.some((a) => a.startsWith('group:')) || s.quorum <= new Set(s.approvers.map((a) => a.toLowerCase())).size, { message: 'quorum is larger than the number of distinct approvers', path: ['quorum'] }), limits.approvalStages, 'stages')
        .min(1, 'needs at least one stage')
        .refine((stages) => new Set(stages.map((s) => s.name)).size === stages.length, 'stage names must be unique'),
    }),
    z.strictObject({ approvers: atMost(shortText, limits.approversPerStage, 'approvers').min(1, 'needs at least one approver'), timeout: positiveDuration }),
  ], { error: 'must be { stages: [{ name, approvers, quorum, timeout }] } or { approvers: [...], timeout }' }).optional(),
  maintenanceWindows: atMost(z.strictObject({
    site: shortText.optional(),
    cron: shortText,
    timeZone: shortText,
    duration: positiveDuration,
  }), limits.maintenanceWindows, 'maintenance windows').optional(),
  maxDevicesPerSecond: z.number().positive().optional(),
  /** Cohort analysis: updated devices against not-yet-updated ones of the same sites and models, per health check. */
  analysis: z.strictObject({
    metrics: z.array(z.strictObject({
      name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a metric name of the health messages (letters, digits, _ . -; up to 64)'),
      direction: z.enum(['lower-is-better', 'higher-is-better'], { error: 'must be "lower-is-better" or "higher-is-better"' }),
      maxRegressionPercent: z.number().gt(0, 'must be above 0').max(1000),
      critical: z.boolean().default(true),
    })).min(1, 'needs at least one metric').max(16, 'at most 16 metrics')
      .refine((metrics) => new Set(metrics.map((m) => m.name)).size === metrics.length, 'metric names must be unique'),
    confidence: z.number().min(0.5, 'must be between 0.5 and 0.999').max(0.999, 'must be between 0.5 and 0.999').default(0.95),
    minSamplesPerCohort: z.number().int().min(3, 'must be at least 3').max(10_000).default(10),
    inconclusive: z.enum(['extend', 'pause'], { error: 'must be "extend" or "pause"' }).default('extend'),
    maxExtensions: z.number().int().min(0).max(10).default(2),
  }).optional(),
  /** Devices lacking the update's prerequisites: refused (default) or first given them by prerequisite rollouts. */
  sequencePrerequisites: z.boolean().default(false),
});

export type RolloutRequest = z.infer<typeof rolloutRequestSchema>;

export const approvalRequestSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
});
