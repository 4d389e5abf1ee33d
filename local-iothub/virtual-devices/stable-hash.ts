/**
 * A stable hash for deterministic draws: the same text gives the same number in every process and on every run,
 * so a profile picks the same failing devices after a restart. Written here because local-iothub stands alone.
 */

/** A uniform-looking number in [0, 1) derived from `text`, e.g. `unitHash(key) < failureRate`. */
export function unitHash(text: string): number {
  return hash32(text) / 2 ** 32;
}

/**
 * FNV-1a over the UTF-8 bytes, then a multiply-xorshift finalizer: FNV-1a alone barely moves its high bits when
 * only the last characters differ (`a-1`, `a-2`, …), and draws compare the high bits.
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  const mix = (byte: number): void => {
    hash = Math.imul(hash ^ byte, 0x01000193);
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) mix(code);
    else {
      // Rare in device ids: fall back to encoding the rest properly (surrogate pairs included).
      for (const byte of Buffer.from(text.slice(i), 'utf8')) mix(byte);
      break;
    }
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A standard normal draw derived from `text` (Box-Muller over two independent hashes of it). */
export function normalHash(text: string): number {
  // 1 − u lies in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - unitHash(`${text}:r`)));
  return radius * Math.cos(2 * Math.PI * unitHash(`${text}:a`));
}
