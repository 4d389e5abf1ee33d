/**
 * One vocabulary for every reason an operator reads: the first wave is "the canary", the waves after it are
 * "wave i of n" (n counts the waves after the canary, i from 1), and device counts say "devices".
 * The canary is wave 0 of every plan (the planner never leaves it empty), so a wave's index is its i.
 */
export interface NamedWave {
  kind: 'canary' | 'wave';
  index: number;
}

/** "canary" or "wave 2 of 3". */
export function waveLabel(wave: NamedWave, waveCount: number): string {
  return wave.kind === 'canary' ? 'canary' : `wave ${wave.index} of ${waveCount}`;
}

/** Waves after the canary in a plan: the n of "wave i of n". */
export function wavesAfterCanary(waves: readonly NamedWave[]): number {
  return waves.filter((wave) => wave.kind === 'wave').length;
}

/** "1 device", "20 devices". */
export function deviceCount(n: number): string {
  return plural(n, 'device');
}

/** "1 install failure", "2 install failures". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
