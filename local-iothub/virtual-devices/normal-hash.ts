/**
 * Normal draws for simulated metrics, from the shared stable hash (common/stable-hash.ts): the same text gives the
 * same draw in every process and on every run, so a profile's devices keep their metrics after a restart.
 */
import { unitInterval } from '../../common/stable-hash';

/** A standard normal draw derived from `text` (Box-Muller over two independent hashes of it). */
export function normalHash(text: string): number {
  // 1 − u lies in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - unitInterval(`${text}:r`)));
  return radius * Math.cos(2 * Math.PI * unitInterval(`${text}:a`));
}
