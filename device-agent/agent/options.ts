/**
 * The command line, checked at the edge: every option is validated here and a problem is reported as one line
 * naming the option, so the agent itself only ever sees well-formed settings.
 */
import path from 'node:path';
import { z } from 'zod';
import { isSemver } from '../../common/semver';

/** As commander hands them over: strings, absent when not given. */
export interface RawOptions {
  device?: string;
  hub?: string;
  connectionString?: string;
  data?: string;
  tags?: string;
  healthCmd?: string;
  healthUrl?: string;
  trust?: string;
  updateName?: string;
  initialVersion?: string;
  telemetryInterval?: string;
  trialPasses?: string;
  probeInterval?: string;
  trialTimeout?: string;
}

export type HubOption =
  | { kind: 'local'; connectionInfoFile: string }
  | { kind: 'connection-string'; connectionString: string };

export interface AgentOptions {
  deviceId: string;
  hub: HubOption;
  dataDir: string;
  tags: Record<string, string>;
  healthCmd?: string;
  healthUrl?: string;
  trustFile: string;
  updateName: string;
  initialVersion: string;
  telemetryIntervalMs: number;
  trialPasses: number;
  probeIntervalMs: number;
  trialTimeoutMs: number;
}

export const optionDefaults = {
  data: './ota-agent-data',
  updateName: 'firmware',
  initialVersion: '1.0.0',
  telemetryInterval: '60',
  trialPasses: '3',
  probeInterval: '2',
  trialTimeout: '120',
} as const;

export type ParsedOptions = { ok: true; options: AgentOptions } | { ok: false; error: string };

const deviceId = z.string().regex(/^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/, "must be 1 to 128 of IoT Hub's device id characters");
const seconds = z.coerce.number().positive('must be a positive number of seconds').max(86_400 * 7, 'must be at most a week');

const schema = z.object({
  device: deviceId.optional(),
  hub: z.string().min(1).optional(),
  connectionString: z.string().min(1).optional(),
  data: z.string().min(1),
  tags: z.string().optional(),
  healthCmd: z.string().min(1, 'must not be empty').optional(),
  healthUrl: z.string().url('must be an http(s) URL').refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL').optional(),
  trust: z.string().min(1).optional(),
  updateName: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores'),
  initialVersion: z.string().refine(isSemver, 'must be a semantic version such as 1.0.0'),
  telemetryInterval: seconds,
  trialPasses: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
  probeInterval: seconds,
  trialTimeout: seconds,
});

const flagOf: Record<string, string> = {
  device: '--device', hub: '--hub', connectionString: '--connection-string', data: '--data', tags: '--tags', healthCmd: '--health-cmd',
  healthUrl: '--health-url', trust: '--trust', updateName: '--update-name', initialVersion: '--initial-version',
  telemetryInterval: '--telemetry-interval', trialPasses: '--trial-passes', probeInterval: '--probe-interval', trialTimeout: '--trial-timeout',
};

export function parseOptions(raw: RawOptions): ParsedOptions {
  const parsed = schema.safeParse({ ...optionDefaults, ...definedOnly(raw) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    return { ok: false, error: `${flagOf[field] ?? field}: ${issue.message}` };
  }
  const value = parsed.data;
  if ((value.hub === undefined) === (value.connectionString === undefined)) return { ok: false, error: 'give either --hub <iothub.json> or --connection-string "HostName=…;DeviceId=…;SharedAccessKey=…"' };
  const tags = parseTags(value.tags);
  if (typeof tags === 'string') return { ok: false, error: `--tags: ${tags}` };

  let id: string;
  let trustFile: string;
  let hub: HubOption;
  if (value.hub !== undefined) {
    if (value.device === undefined) return { ok: false, error: '--device: required with --hub' };
    id = value.device;
    hub = { kind: 'local', connectionInfoFile: path.resolve(value.hub) };
    trustFile = path.resolve(value.trust ?? path.join(path.dirname(value.hub), 'device-trust.json'));
  } else {
    const fields = connectionStringFields(value.connectionString!);
    if (typeof fields === 'string') return { ok: false, error: `--connection-string: ${fields}` };
    if (value.device !== undefined && value.device !== fields.DeviceId) return { ok: false, error: `--device: ${value.device} is not the connection string's DeviceId ${fields.DeviceId}` };
    if (value.trust === undefined) return { ok: false, error: '--trust: required with --connection-string (the root keys the device trusts)' };
    const checkedId = deviceId.safeParse(fields.DeviceId);
    if (!checkedId.success) return { ok: false, error: `--connection-string: DeviceId ${checkedId.error.issues[0]!.message}` };
    id = checkedId.data;
    hub = { kind: 'connection-string', connectionString: value.connectionString! };
    trustFile = path.resolve(value.trust);
  }
  return {
    ok: true,
    options: {
      deviceId: id,
      hub,
      dataDir: path.resolve(value.data),
      tags,
      ...(value.healthCmd !== undefined ? { healthCmd: value.healthCmd } : {}),
      ...(value.healthUrl !== undefined ? { healthUrl: value.healthUrl } : {}),
      trustFile,
      updateName: value.updateName,
      initialVersion: value.initialVersion,
      telemetryIntervalMs: Math.round(value.telemetryInterval * 1000),
      trialPasses: value.trialPasses,
      probeIntervalMs: Math.round(value.probeInterval * 1000),
      trialTimeoutMs: Math.round(value.trialTimeout * 1000),
    },
  };
}

/** `site=plant-1,model=ctl-a` → { site: 'plant-1', model: 'ctl-a' }, or what is wrong with it. */
export function parseTags(text: string | undefined): Record<string, string> | string {
  const tags: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return tags;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) return `"${pair}" is not name=value with a name of letters, digits, _ or -`;
    if (name in tags) return `tag ${name} is given twice`;
    tags[name] = pair.slice(eq + 1).trim();
  }
  return tags;
}

/** HostName, DeviceId and SharedAccessKey of a device connection string. */
export function connectionStringFields(text: string): { HostName: string; DeviceId: string; SharedAccessKey: string } | string {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['HostName', 'DeviceId', 'SharedAccessKey'].filter((name) => !fields.get(name));
  if (missing.length > 0) return `has no ${missing.join(', ')}`;
  return { HostName: fields.get('HostName')!, DeviceId: fields.get('DeviceId')!, SharedAccessKey: fields.get('SharedAccessKey')! };
}

function definedOnly(raw: RawOptions): Partial<RawOptions> {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)) as Partial<RawOptions>;
}
