/**
 * Deterministic JSON: object keys sorted (by UTF-16 code units, as JSON Canonicalization Scheme does), no
 * whitespace. A signature covers bytes, so the service and every device must turn the same value into the same
 * bytes, whatever order the properties were built in.
 */

const utf8 = new TextEncoder();

/** Serializes plain JSON data; properties set to `undefined` are left out, anything else non-JSON is refused. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // NaN and Infinity would silently become null with JSON.stringify.
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  if (isPlainObject(value)) {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not JSON data`);
}

/** The UTF-8 bytes of `canonicalJson(value)`: what gets signed. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  // Dates, Maps, class instances… have no single obvious JSON form: refuse them rather than guess.
  return proto === Object.prototype || proto === null;
}
