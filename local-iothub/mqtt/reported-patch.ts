/**
 * IoT Hub's checks on a reported-properties patch sent by a device: a JSON object whose keys hold no `.`, `$`,
 * space or control characters, nested at most 10 deep, with strings of at most 4 KB, that leaves the reported
 * document within 32 KB. A refused patch changes nothing.
 */
import { isObject, mergePatch, type Json, type JsonObject } from '../hub-state';

export const MAX_REPORTED_BYTES = 32 * 1024;
const MAX_DEPTH = 10;
const MAX_KEY_BYTES = 1024;
const MAX_STRING_BYTES = 4 * 1024;

export type PatchCheck = { ok: true; patch: JsonObject } | { ok: false; message: string };

export function checkReportedPatch(current: JsonObject, body: Buffer): PatchCheck {
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, message: 'The reported properties patch is not valid JSON.' };
  }
  if (!isObject(patch)) return { ok: false, message: 'The reported properties patch must be a JSON object.' };
  const problem = findProblem(patch, 1);
  if (problem) return { ok: false, message: problem };
  const merged = mergePatch(structuredClone(current), patch);
  const size = Buffer.byteLength(JSON.stringify(merged));
  if (size > MAX_REPORTED_BYTES) return { ok: false, message: `Reported properties would take ${size} bytes; the limit is ${MAX_REPORTED_BYTES}.` };
  return { ok: true, patch };
}

function findProblem(value: Json, depth: number): string | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value) > MAX_STRING_BYTES ? 'A string value exceeds 4 KB.' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return `Reported properties are nested deeper than ${MAX_DEPTH} levels.`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = findProblem(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    // `__proto__` would make mergePatch write into Object.prototype.
    if (!key || key === '__proto__' || /[.$ \u0000-\u001f\u007f-\u009f]/.test(key) || Buffer.byteLength(key) > MAX_KEY_BYTES) {
      return `Invalid property name '${key.slice(0, 64)}'.`;
    }
    const problem = findProblem(item, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
