/**
 * Stable string hashes for deterministic choices: a device's wave and cohort in the service, simulated outcomes and
 * partitions in the local IoT Hub. The same text gives the same number in every process, on every replay and run,
 * so a fleet profile picks the same devices as the service's hash would.
 */

const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`: an integer in [0, 2^32). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  const mix = (byte: number): void => {
    hash = Math.imul(hash ^ byte, 0x01000193);
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) mix(code);
    else {
      // Device ids are ASCII, and hashed often: encode only from the first other character on (surrogates included).
      for (const byte of utf8.encode(text.slice(i))) mix(byte);
      break;
    }
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
