import type * as Fossil from 'fossil-delta';
import { DeltaCodec, load, toolName } from '../codec';

/**
 * Fossil SCM's delta in pure JavaScript: copy/insert commands with raw literals and a checksum of the target.
 * Undefined where it cannot load: it ships ES modules only, which Node 20.19+ requires but jest's runtime cannot.
 */
export function fossilDelta(): DeltaCodec | undefined {
  let fossil: typeof Fossil;
  try {
    fossil = load('fossil-delta') as typeof Fossil;
  } catch {
    return undefined;
  }
  return {
    tool: toolName('fossil-delta'),
    createDelta: async (base, target) => fossil.createDelta(base, target),
    applyDelta: async (base, delta) => fossil.applyDelta(base, delta, { verifyChecksum: true }),
  };
}
