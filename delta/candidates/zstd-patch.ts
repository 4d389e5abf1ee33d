import { DeltaCodec, load, toolName } from '../codec';

/**
 * zstd-napi is not a project dependency: its install script first tries to download a prebuilt binary from outside
 * the npm registry. Install it by hand with `npm_config_build_from_source=true` (or put it on NODE_PATH) to measure it.
 */
interface Zstd {
  Compressor: new () => {
    setParameters(p: { compressionLevel: number; windowLog: number; enableLongDistanceMatching: boolean; checksumFlag: boolean }): void;
    loadDictionary(dictionary: Uint8Array): void;
    compress(data: Uint8Array): Uint8Array;
  };
  Decompressor: new () => {
    setParameters(p: { windowLogMax: number }): void;
    loadDictionary(dictionary: Uint8Array): void;
    decompress(data: Uint8Array): Uint8Array;
  };
}

// zstd refuses frames whose window exceeds what the decoder allows; 2^27 (128 MB) covers our largest images.
const MAX_WINDOW_LOG = 27;

/**
 * zstd's --patch-from approach: the base is loaded as a raw-content dictionary and the window spans base + target,
 * so the whole base is in reach; long-distance matching finds the far matches. The content checksum makes a wrong
 * base fail instead of producing bad bytes. Undefined when zstd-napi is not installed.
 */
export function zstdPatch(): DeltaCodec | undefined {
  let zstd: Zstd;
  try {
    zstd = load('zstd-napi') as Zstd;
  } catch {
    return undefined;
  }
  return {
    tool: toolName('zstd-napi'),

    createDelta: async (base, target) => {
      const span = Math.max(base.length + target.length, 1);
      const compressor = new zstd.Compressor();
      compressor.setParameters({
        compressionLevel: 19,
        windowLog: Math.min(MAX_WINDOW_LOG, Math.max(10, Math.ceil(Math.log2(span)))),
        enableLongDistanceMatching: true,
        checksumFlag: true,
      });
      compressor.loadDictionary(base);
      return new Uint8Array(compressor.compress(target));
    },

    applyDelta: async (base, delta) => {
      const decompressor = new zstd.Decompressor();
      decompressor.setParameters({ windowLogMax: MAX_WINDOW_LOG });
      decompressor.loadDictionary(base);
      return new Uint8Array(decompressor.decompress(delta));
    },
  };
}
