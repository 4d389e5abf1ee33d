/**
 * Binary deltas between firmware versions. The service publishes `createDelta(previous, next)` beside the full file;
 * a device holding `previous` rebuilds `next` with `applyDelta` and must check the result against the signed SHA-256
 * of the full file (`rebuildVerified` does both), falling back to the full download when either fails.
 *
 * The tool was chosen by `npm run bench:delta` (bsdiff: smallest deltas over all measured pairs). To switch, point
 * `chosen` at another DeltaCodec from ./candidates and regenerate deltas: the formats are not interchangeable, which
 * is why every delta records `deltaTool`.
 */
import { createHash } from 'node:crypto';
import { bsdiff } from './bsdiff';
import { DeltaCodec } from './codec';

export type { DeltaCodec } from './codec';

const chosen: DeltaCodec = bsdiff;

/** `name@version` of the tool behind the deltas, recorded in the manifest next to each delta. */
export const deltaTool: string = chosen.tool;

export function createDelta(base: Uint8Array, target: Uint8Array): Promise<Uint8Array> {
  return chosen.createDelta(base, target);
}

/** Rejects on a malformed delta; on the wrong base bsdiff returns wrong bytes instead, so verify the signed hash. */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Promise<Uint8Array> {
  return chosen.applyDelta(base, delta);
}

export type Rebuilt = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

/** Applies the delta and accepts the result only if its SHA-256 is the signed one (base64, as in the manifest). */
export async function rebuildVerified(base: Uint8Array, delta: Uint8Array, sha256Base64: string): Promise<Rebuilt> {
  let bytes: Uint8Array;
  try {
    bytes = await applyDelta(base, delta);
  } catch (err) {
    return { ok: false, reason: `delta does not apply: ${err instanceof Error ? err.message : String(err)}` };
  }
  const actual = createHash('sha256').update(bytes).digest('base64');
  return actual === sha256Base64 ? { ok: true, bytes } : { ok: false, reason: `rebuilt file has SHA-256 ${actual}, not the signed ${sha256Base64}` };
}
