/**
 * Stable string hashes for deterministic choices (wave order, simulated per-device rates): the same text gives the
 * same number in every process, on every replay.
 */

const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`: an integer in [0, 2^32). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * FNV-1a followed by the MurmurHash3 finalizer, in [0, 2^32). FNV-1a alone barely moves its high bits when only
 * the last characters differ (`a-1`, `a-2`, …), so sequential ids would cluster; the finalizer spreads them.
 */
export function spreadHash32(text: string): number {
  let hash = fnv1a32(text);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A uniform-looking number in [0, 1) derived from `text`, e.g. `unitInterval(deviceId) < failureRate`. */
export function unitInterval(text: string): number {
  return spreadHash32(text) / 2 ** 32;
}
