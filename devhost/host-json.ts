/**
 * host.json values may name app settings as `%NAME%` (e.g. `"hubName": "%TASKHUB_NAME%"`); the Functions host resolves
 * them from the app settings when it reads the file, and refuses a reference to a setting that does not exist.
 */
export type Settings = Record<string, string | undefined>;

const reference = /%([^%]+)%/g;

function resolveString(text: string, settings: Settings, where: string): string {
  return text.replace(reference, (_match, name: string) => {
    const value = settings[name];
    if (value === undefined) throw new Error(`host.json ${where} refers to the app setting '%${name}%', which is not set.`);
    return value;
  });
}

/** A copy of `value` with every `%NAME%` in its strings replaced by that setting. */
export function resolveSettingReferences<T>(value: T, settings: Settings, where = ''): T {
  if (typeof value === 'string') return resolveString(value, settings, where || '(root)') as T;
  if (Array.isArray(value)) return value.map((item, i) => resolveSettingReferences(item, settings, `${where}[${i}]`)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveSettingReferences(item, settings, where ? `${where}.${key}` : key);
    return out as T;
  }
  return value;
}
