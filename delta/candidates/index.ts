import { DeltaCodec } from '../codec';
import { bsdiff } from '../bsdiff';
import { withBrotli } from './brotli';
import { fossilDelta } from './fossil';
import { tsdiff } from './tsdiff';
import { xdelta3 } from './xdelta3';
import { zstdDict } from './zstd-dict';
import { zstdPatch } from './zstd-patch';

/**
 * Every tool `npm run bench:delta` measures. Only the chosen one (see ../index.ts) is a runtime dependency; the
 * others are devDependencies kept so the choice can be re-measured, except two that cannot be (see xdelta3.ts and
 * zstd-patch.ts) and are measured only when installed by hand.
 */
const [xdelta, zstd, fossil] = [xdelta3(), zstdPatch(), fossilDelta()];

export const candidates: DeltaCodec[] = [bsdiff, xdelta, xdelta && withBrotli(xdelta), zstd, zstdDict, fossil && withBrotli(fossil), tsdiff].filter(
  (codec): codec is DeltaCodec => codec !== undefined,
);

/** Optional tools that could not be loaded here, for the bench to say so. */
export const skipped: string[] = [
  ...(xdelta ? [] : ['@chainsafe/xdelta3-node: not installed (see delta/candidates/xdelta3.ts)']),
  ...(zstd ? [] : ['zstd-napi: not installed (see delta/candidates/zstd-patch.ts)']),
  ...(fossil ? [] : ['fossil-delta: its ES module could not be loaded']),
];
