/**
 * Shared access signatures as IoT Hub checks them: `SharedAccessSignature sr=<resource>&sig=<sig>&se=<expiry>[&skn=<policy>]`
 * where sig = base64(HMAC-SHA256(base64-decoded key, `<sr as sent>\n<se>`)), URL-encoded. The SDKs sign `sr` in the
 * form they send it (devices URL-encode `host/devices/id`), so the signature is checked over `sr` exactly as sent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SasToken {
  /** As sent (possibly URL-encoded). */
  sr: string;
  /** Decoded resource URI, lower-cased: `host` or `host/devices/{id}`. */
  resource: string;
  sig: string;
  se: number;
  skn: string | undefined;
}

export type SasCheck = { ok: true; token: SasToken } | { ok: false; reason: string };

export function parseSas(text: string | undefined): SasToken | undefined {
  if (!text) return undefined;
  const match = /^SharedAccessSignature\s+(.+)$/.exec(text.trim());
  if (!match) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1]!.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = Number(fields.get('se'));
  if (!sr || !sig || !Number.isFinite(se)) return undefined;
  let resource: string;
  try {
    resource = decodeURIComponent(sr).toLowerCase();
  } catch {
    return undefined;
  }
  const skn = fields.get('skn');
  return { sr, resource, sig, se, skn: skn === undefined ? undefined : safeDecode(skn) };
}

export function signature(sr: string, se: number, base64Key: string): string {
  return createHmac('sha256', Buffer.from(base64Key, 'base64')).update(`${sr}\n${se}`).digest('base64');
}

/** A token for `resource` (not yet encoded), as the SDKs make them. */
export function createSas(resource: string, base64Key: string, expirySeconds: number, policyName?: string): string {
  const sr = encodeURIComponent(resource);
  const sig = encodeURIComponent(signature(sr, expirySeconds, base64Key));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${expirySeconds}${policyName ? `&skn=${encodeURIComponent(policyName)}` : ''}`;
}

/**
 * Checks a token against the keys that may have signed it, the resource it must cover (a token for the hub covers
 * every device; one for a device only that device) and the clock (expired tokens are refused).
 */
export function verifySas(text: string | undefined, options: { keys: readonly string[]; resources: readonly string[]; nowMs: number }): SasCheck {
  const token = parseSas(text);
  if (!token) return { ok: false, reason: 'missing or malformed SharedAccessSignature' };
  if (token.se * 1000 <= options.nowMs) return { ok: false, reason: `token expired at ${new Date(token.se * 1000).toISOString()}` };
  // A token must name one of the allowed resources or a prefix of one (a hub-wide token covers its devices).
  const resources = options.resources.map((r) => r.toLowerCase());
  if (!resources.some((r) => r === token.resource || r.startsWith(`${token.resource}/`))) return { ok: false, reason: `token is for ${token.resource}` };
  const sent = Buffer.from(safeDecode(token.sig), 'base64');
  for (const key of options.keys) {
    const expected = Buffer.from(signature(token.sr, token.se, key), 'base64');
    if (expected.length === sent.length && timingSafeEqual(expected, sent)) return { ok: true, token };
  }
  return { ok: false, reason: 'signature does not match' };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
