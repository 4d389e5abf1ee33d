/**
 * Fleet profile: the JSON file that describes a simulated fleet (device groups and how devices behave when asked
 * to install a version). Validated once when loaded; every error names the JSON path of the bad field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { durationToMs } from '../../domain/duration';

export const defaultInstallTime = 'PT0.5S';

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

const rate = z
  .number()
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' })
  .default(0);

const installTime = z.string().transform((text, ctx) => {
  try {
    return durationToMs(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an ISO 8601 duration such as PT0.5S or PT10M, not '${text}'` });
    return z.NEVER;
  }
});

const deviceGroup = z.strictObject({
  count: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
  idPrefix: z.string().regex(deviceIdCharacters, { error: "may contain only letters, digits and - . % _ * ? ! ( ) , : = @ $ '" }),
  tags: z.record(z.string(), z.string()).default({}),
  installedVersion: z.string().min(1, { error: 'must not be empty' }),
  /** Other software the devices run, by update name (e.g. a bootloader): what prerequisites are checked against. */
  software: z.record(z.string(), z.string().min(1, { error: 'must not be empty' })).default({}),
});

const behavior = z
  .strictObject({
    /** All given keys must match; an empty or missing `when` matches every install. */
    when: z.strictObject({ model: z.string().optional(), site: z.string().optional(), version: z.string().optional() }).default({}),
    installFailureRate: rate,
    unhealthyRate: rate,
    offlineRate: rate,
    installTime: installTime.default(durationToMs(defaultInstallTime)),
  })
  .transform(({ installTime: installTimeMs, ...rest }) => ({ ...rest, installTimeMs }));

const profileSchema = z
  .strictObject({
    devices: z.array(deviceGroup).min(1, { error: 'must list at least one device group' }),
    behaviors: z.array(behavior).default([]),
    seed: z.string().default(''),
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

/** Prefixes such as 'a-' and 'a-1' collide ('a-10'), so ids are compared, not prefixes. */
function firstDuplicateId(groups: readonly DeviceGroup[]): { deviceId: string; group: number; firstGroup: number } | undefined {
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
