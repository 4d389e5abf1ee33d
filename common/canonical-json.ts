/**
 * Canonical JSON: the same data gives the same text in every process, whatever order its properties were built in.
 * Signatures (manifests, key certificates, revocation lists) cover these bytes, so the service and every device must
 * produce them alike; audit entries are hashed over them, and must hash alike again after a round trip through
 * Cosmos DB.
 *
 * - object members sorted by key, by UTF-16 code units (as RFC 8785 does); no whitespace;
 * - strings and numbers spelled as JSON.stringify spells them (numbers in their shortest round-trip form);
 * - members whose value is `undefined` are left out, as JSON.stringify and storage leave them out.
 *
 * Anything else (NaN, Infinity, bigint, functions, undefined in an array, Dates and other class instances) is
 * refused with a TypeError: it would be stored or sent differently from how it was hashed or signed, and would
 * then fail verification forever.
 */

const utf8 = new TextEncoder();

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(arrayItem).join(',')}]`;
      return objectText(value);
    default:
      throw new TypeError(`a ${typeof value} is not JSON data`);
  }
}

/** The UTF-8 bytes of `canonicalJson(value)`: what gets signed. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}

function arrayItem(item: unknown): string {
  // JSON.stringify would turn it into null, so the stored array would differ from the hashed one.
  if (item === undefined) throw new TypeError('undefined is not JSON data (in an array)');
  return canonicalJson(item);
}

function objectText(value: object): string {
  const prototype: unknown = Object.getPrototypeOf(value);
  // Dates, Maps, class instances… have no single obvious JSON form: refuse them rather than guess.
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`a ${value.constructor?.name ?? 'class instance'} is not plain JSON data`);
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}
