/**
 * Binding expressions in binding properties (a blob `path`, …), resolved as the Functions host does:
 * `%SETTING%` from the app settings, `{name}` from the trigger's binding data (case-insensitive, dotted paths such as
 * `{data.url}`), and the built-ins `{rand-guid}` (optionally `{rand-guid:N}`), `{DateTime}` (UTC,
 * `yyyy-MM-ddTHH-mm-ssZ`, or `{DateTime:<format>}`) and `{sys.UtcNow}`, `{sys.RandGuid}`, `{sys.MethodName}`.
 */
import { randomUUID } from 'node:crypto';

export type BindingData = Record<string, unknown>;

/** The Functions host's message for an expression the trigger has no value for. */
export class MissingBindingValueError extends Error {}

/** `%NAME%` references: each must be set, as the host refuses to index a function whose setting is missing. */
export function resolveSettings(template: string, settings: Record<string, string | undefined>): string {
  return template.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = settings[name];
    if (value === undefined) throw new MissingBindingValueError(`The app setting '${name}' named by '%${name}%' is not set.`);
    return value;
  });
}

export function settingReferences(template: string): string[] {
  return [...template.matchAll(/%([^%]+)%/g)].map((m) => m[1]!);
}

export function resolveBindingExpression(template: string, data: BindingData, now: Date, settings: Record<string, string | undefined>): string {
  return resolveSettings(template, settings).replace(/\{([^{}]+)\}/g, (_, expression: string) => {
    const [name = '', format] = splitFormat(expression.trim());
    const builtIn = builtInValue(name.toLowerCase(), format, now, data);
    if (builtIn !== undefined) return builtIn;
    const value = lookup(data, name);
    if (value === undefined || value === null) throw new MissingBindingValueError(`No value for named parameter '${name}'.`);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

function splitFormat(expression: string): [string, string | undefined] {
  const colon = expression.indexOf(':');
  return colon < 0 ? [expression, undefined] : [expression.slice(0, colon), expression.slice(colon + 1)];
}

function builtInValue(name: string, format: string | undefined, now: Date, data: BindingData): string | undefined {
  if (name === 'rand-guid' || name === 'sys.randguid') return formatGuid(randomUUID(), format);
  if (name === 'datetime') return formatDate(now, format ?? 'yyyy-MM-ddTHH-mm-ssZ');
  if (name === 'sys.utcnow') return formatDate(now, format ?? 'yyyy-MM-ddTHH-mm-ssZ');
  if (name === 'sys.methodname') return String(lookup(data, 'sys.MethodName') ?? '');
  return undefined;
}

/** .NET Guid formats: D (default), N, B, P. */
function formatGuid(guid: string, format: string | undefined): string {
  switch ((format ?? 'D').toUpperCase()) {
    case 'N': return guid.replace(/-/g, '');
    case 'B': return `{${guid}}`;
    case 'P': return `(${guid})`;
    default: return guid;
  }
}

/** The .NET custom date tokens apps use in paths (yyyy, MM, dd, HH, mm, ss, fff); anything else is literal. */
function formatDate(date: Date, format: string): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const tokens: Record<string, string> = {
    yyyy: String(date.getUTCFullYear()),
    MM: pad(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
    fff: pad(date.getUTCMilliseconds(), 3),
  };
  return format.replace(/yyyy|MM|dd|HH|mm|ss|fff/g, (token) => tokens[token]!);
}

/** Case-insensitive, dotted lookup, as binding data keys are case-insensitive in the host. */
function lookup(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    const record = current as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === part.toLowerCase());
    current = key === undefined ? undefined : record[key];
  }
  return current;
}
