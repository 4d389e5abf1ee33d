import { DeltaCodec, load, toolName } from '../codec';

/**
 * xdelta3 (VCDIFF, RFC 3284) through @chainsafe/xdelta3-node, a prebuilt napi-rs binding with fixed default settings.
 * Not a project dependency: it lists platform packages that were never published, so a lock file that holds it fails
 * `npm ci`. Install it by hand (or put it on NODE_PATH) to measure it; undefined otherwise.
 */
export function xdelta3(): DeltaCodec | undefined {
  let lib: { encodeSync(src: Uint8Array, dest: Uint8Array): Uint8Array; decodeSync(src: Uint8Array, patch: Uint8Array): Uint8Array };
  try {
    lib = load('@chainsafe/xdelta3-node') as typeof lib;
  } catch {
    return undefined;
  }
  return {
    tool: toolName('@chainsafe/xdelta3-node'),
    createDelta: async (base, target) => lib.encodeSync(base, target),
    applyDelta: async (base, delta) => lib.decodeSync(base, delta),
  };
}
