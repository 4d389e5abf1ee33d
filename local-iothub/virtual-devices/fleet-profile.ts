/**
 * Fleet profile: the JSON file that describes the local IoT Hub's virtual devices, in groups, and how they fare
 * when asked to install a version. Validated once when loaded; every error names the JSON path of the bad field.
 *
 * ```jsonc
 * {
 *   "devices": [                                 // at least one group
 *     {
 *       "count": 400,                            // devices in the group (whole number ≥ 1)
 *       "idPrefix": "plant-a-ctl-a-",            // ids are idPrefix + 0 … count-1 (characters IoT Hub accepts)
 *       "tags": { "site": "plant-a", "model": "ctl-a" },  // twin tags (strings); default {}
 *       "installedVersion": "1.0.0",             // version of the main update at provisioning
 *       "updateName": "line-controller",         // name of the main update; default "firmware"
 *       "software": { "bootloader": "1.4.0" }    // other updates (components) the devices run; default {}
 *     }
 *   ],
 *   "behaviors": [                               // default []; the first whose `when` matches an install applies
 *     {
 *       "when": { "model": "ctl-b", "site": "plant-b", "version": "2.0.0" },  // each key optional; {} matches all
 *       "installFailureRate": 0.1,               // share of devices whose install fails (0 … 1; default 0)
 *       "unhealthyRate": 0.05,                   // share that install, then report healthy: false
 *       "offlineRate": 0.01,                     // share that accept the command, then go silent for good
 *       "installTime": "PT30S"                   // ISO 8601 duration from accepting to the final report
 *     }
 *   ],
 *   "seed": "demo",                              // default ""; which devices fall within each rate
 *   "healthTelemetry": { "interval": "PT5M" },   // default PT5M (ISO 8601 duration ≥ PT1S); false: none sent
 *   "metrics": [                                 // default []; the first whose `when` matches applies
 *     {
 *       "when": { "model": "ctl-b", "site": "plant-b", "version": "2.0.0" },  // each key optional; {} matches all
 *       "cycleTimeMs": { "median": 1300, "spread": 0.08 },  // median > 0; log-normal
 *       "cpuPercent": { "median": 40, "spread": 0.15 },     // median in (0, 100); stays within 0 … 100
 *       "errorRate": { "median": 0.002, "spread": 0.3 }     // median in (0, 1); stays within 0 … 1
 *     }
 *   ]
 * }
 * ```
 * - A device reports `software` = `{ [updateName]: installedVersion, ...software }`. A command for one of its
 *   `software` names updates that component; any other name updates the main update.
 * - `when.version` is the version a command installs. With no matching behavior an install succeeds after PT0.5S.
 * - Which devices fail, go unhealthy or offline is drawn from a hash of seed, device id and version: the same
 *   profile picks the same devices on every run and on a retry (as a real incompatibility would), another seed
 *   other devices.
 * - Update names become twin property names, so they may not contain `.`, `$` or spaces (IoT Hub's rule).
 * - Every online device sends a health message (docs/device-twin-contract.md, "Health telemetry") each
 *   `healthTelemetry.interval` on the hub clock; `healthy` is false while it runs a version whose install went
 *   unhealthy (`unhealthyRate`).
 * - `metrics` sets the distributions of `cycleTimeMs`, `cpuPercent` and `errorRate` in health messages, so a
 *   version can be made slower (a regression) while every install succeeds and every device stays healthy.
 *   `when.version` is the version the device runs now: after an install of 2.0.0 its messages follow 2.0.0's rule,
 *   after a restore the old version's. A metric the matching rule does not name, or a device no rule matches,
 *   follows its model's default (medians picked by a hash of the model name: name them to compare versions).
 *   `spread` (0 … 5; defaults 0.08, 0.15, 0.3) is the coefficient of variation: of the value for `cycleTimeMs`
 *   (log-normal), of the odds value / (bound − value) for the bounded two. Half of the variance is a stable offset
 *   per device (seed + device id), half per-message noise (device id + interval): the same profile gives the same
 *   numbers on every run (health-metrics.ts). `restarts` is 0 unless the device is unhealthy, whose metrics are
 *   worse; `healthy` never depends on `metrics`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseIsoDuration } from '../../common/iso-duration';
import { metricRuleSchema } from './metric-rules';
import { whenSchema } from './version-rules';

export const defaultInstallTime = 'PT0.5S';
export const defaultUpdateName = 'firmware';
export const defaultHealthInterval = 'PT5M';

export class InvalidFleetProfileError extends Error {
  override name = 'InvalidFleetProfileError';
  constructor(
    /** The file, when the profile came from one. */
    source: string | undefined,
    /** One line per problem, each starting with the JSON path, e.g. `devices[1].count must be …`. */
    readonly problems: string[],
  ) {
    super(`Invalid fleet profile${source === undefined ? '' : ` ${source}`}: ${problems.join('; ')}`);
  }
}

// The characters IoT Hub accepts in a device id, so a profile never describes a device a real hub would refuse.
const deviceIdCharacters = /^[A-Za-z0-9\-.%_*?!(),:=@$']*$/;

// IoT Hub refuses '.', '$' and spaces in twin property names; update names are keys of the reported `software`.
const updateNameSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .regex(/^[^.$ ]*$/, { error: "may not contain '.', '$' or spaces: it becomes a twin property name" });

const rate = z
  .number()
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' })
  .default(0);

const installTime = z.string().transform((text, ctx) => {
  try {
    return parseIsoDuration(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an ISO 8601 duration such as PT0.5S or PT10M, not '${text}'` });
    return z.NEVER;
  }
});

const deviceGroup = z
  .strictObject({
    count: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
    idPrefix: z.string().regex(deviceIdCharacters, { error: "may contain only letters, digits and - . % _ * ? ! ( ) , : = @ $ '" }),
    tags: z.record(z.string(), z.string()).default({}),
    installedVersion: z.string().min(1, { error: 'must not be empty' }),
    updateName: updateNameSchema.default(defaultUpdateName),
    /** Other software the devices run, by update name (e.g. a bootloader): what prerequisites are checked against. */
    software: z.record(updateNameSchema, z.string().min(1, { error: 'must not be empty' })).default({}),
  })
  .superRefine((group, ctx) => {
    if (Object.hasOwn(group.software, group.updateName)) {
      ctx.addIssue({ code: 'custom', path: ['software', group.updateName], message: 'is the main update (updateName): its version is installedVersion' });
    }
  });

const behavior = z
  .strictObject({
    /** All given keys must match; an empty or missing `when` matches every install. */
    when: whenSchema,
    installFailureRate: rate,
    unhealthyRate: rate,
    offlineRate: rate,
    installTime: installTime.default(parseIsoDuration(defaultInstallTime)),
  })
  .transform(({ installTime: installTimeMs, ...rest }) => ({ ...rest, installTimeMs }));

const healthTelemetry = z
  .union([
    z.literal(false),
    z.strictObject({
      interval: installTime.default(parseIsoDuration(defaultHealthInterval)).refine((ms) => ms >= 1000, { error: 'must be at least PT1S' }),
    }),
  ], { error: 'must be false or an object such as { "interval": "PT5M" }' })
  .default({ interval: parseIsoDuration(defaultHealthInterval) })
  .transform((value) => (value === false ? false : { intervalMs: value.interval }));

const profileSchema = z
  .strictObject({
    devices: z.array(deviceGroup).min(1, { error: 'must list at least one device group' }),
    behaviors: z.array(behavior).default([]),
    seed: z.string().default(''),
    healthTelemetry,
    metrics: z.array(metricRuleSchema).default([]),
  })
  .superRefine((profile, ctx) => {
    const duplicate = firstDuplicateId(profile.devices);
    if (duplicate) {
      ctx.addIssue({
        code: 'custom',
        path: ['devices', duplicate.group, 'idPrefix'],
        message: `repeats device id '${duplicate.deviceId}' of devices[${duplicate.firstGroup}]`,
      });
    }
  });

export type FleetProfile = z.output<typeof profileSchema>;
export type DeviceGroup = FleetProfile['devices'][number];
export type Behavior = FleetProfile['behaviors'][number];

export function deviceIdOf(group: Pick<DeviceGroup, 'idPrefix'>, index: number): string {
  return `${group.idPrefix}${index}`;
}

/** The group a device id belongs to: ids are unique across groups, so at most one matches. */
export function groupOf(profile: Pick<FleetProfile, 'devices'>, deviceId: string): DeviceGroup | undefined {
  return profile.devices.find(({ idPrefix, count }) => {
    if (!deviceId.startsWith(idPrefix)) return false;
    const rest = deviceId.slice(idPrefix.length);
    // Canonical decimal only ('07' is not device 7), as deviceIdOf writes it.
    return /^(0|[1-9]\d*)$/.test(rest) && Number(rest) < count;
  });
}

/** Prefixes such as 'a-' and 'a-1' collide ('a-10'), so ids are compared, not prefixes. */
function firstDuplicateId(groups: readonly Pick<DeviceGroup, 'idPrefix' | 'count'>[]): { deviceId: string; group: number; firstGroup: number } | undefined {
  const owner = new Map<string, number>();
  for (const [group, devices] of groups.entries()) {
    for (let index = 0; index < devices.count; index++) {
      const deviceId = deviceIdOf(devices, index);
      const firstGroup = owner.get(deviceId);
      if (firstGroup !== undefined) return { deviceId, group, firstGroup };
      owner.set(deviceId, group);
    }
  }
  return undefined;
}

export function parseFleetProfile(json: unknown, source?: string): FleetProfile {
  const result = profileSchema.safeParse(json, { error: describeIssue });
  if (result.success) return result.data;
  throw new InvalidFleetProfileError(source, result.error.issues.flatMap(problemLines));
}

export function loadFleetProfile(path: string): FleetProfile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidFleetProfileError(path, [`profile cannot be read as JSON: ${(error as Error).message}`]);
  }
  return parseFleetProfile(json, path);
}

/** The built-in demo fleet, found from the package root so it resolves the same from sources and from dist/. */
export const demoProfilePath = join(packageRoot(__dirname), 'fleet-profiles', 'demo.json');

/**
 * The canary-analysis demo's fleets: 300 devices (3 sites × 2 models × 50) that install 2.0.0 without a failure and
 * stay healthy; in `regression.json` 2.0.0's cycle time is 30 % higher, in `no-regression.json` it is unchanged.
 */
export const regressionProfilePath = join(packageRoot(__dirname), 'fleet-profiles', 'regression.json');
export const noRegressionProfilePath = join(packageRoot(__dirname), 'fleet-profiles', 'no-regression.json');

function packageRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '..', '..');
  }
}

/** Messages for zod's own checks, phrased to follow the path: "devices[0].count must be a number". */
function describeIssue(issue: { code?: string; input?: unknown; expected?: string }): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  const expected = String(issue.expected);
  return `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`;
}

function problemLines(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])} is not a known field`);
  }
  // A union (`healthTelemetry`): the branch whose problems lie inside the value is the one the author meant.
  if (issue.code === 'invalid_union') {
    const meant = issue.errors.find((issues) => issues.length > 0 && issues.every((inner) => inner.path.length > 0));
    if (meant) return meant.flatMap((inner) => problemLines({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue));
  }
  // A bad record key: zod's own message is generic, the key's check says what is wrong.
  if (issue.code === 'invalid_key') return issue.issues.map((inner) => `${formatPath(issue.path)} ${inner.message}`);
  return [`${formatPath(issue.path)} ${issue.message}`];
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'profile';
  return path
    .map((key, position) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return position === 0 ? name : `.${name}`;
    })
    .join('');
}
