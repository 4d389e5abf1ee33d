import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeltaCodec, load, toolName } from './codec';

interface Files {
  base: string;
  target: string;
  delta: string;
}

/**
 * bsdiff-node's native binding, without its index.js: that wrapper patches the shared native exports in place, so a
 * second module registry (each jest test file) wraps them twice and leaves a promise whose rejection nobody handles.
 * Each call runs off the main thread and reports progress, then 100 or an error message, to the callback.
 */
type NativeCall = (oldFile: string, newFile: string, patchFile: string, done: (percent: number, error: string) => void) => void;
const binding = load('bsdiff-node/build/Release/bsdiff.node') as { diff: NativeCall; patch: NativeCall };

function native(call: NativeCall, files: Files, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    call(files.base, files.target, files.delta, (percent, error) => {
      if (error) reject(new Error(`${what} failed: ${error}`));
      else if (percent >= 100) resolve();
    });
  });
}

/** Runs `work` in a private temp folder that is always removed: the binding only reads and writes files. */
async function inTempDir<T>(work: (files: Files) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ota-bsdiff-'));
  try {
    return await work({ base: path.join(dir, 'base'), target: path.join(dir, 'target'), delta: path.join(dir, 'delta') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Largest target we accept to rebuild: far above any firmware image, far below what would exhaust a device. */
const MAX_TARGET = 2 ** 31;

/**
 * Checks the BSDIFF40 header (magic, then control length, diff length and target size as sign-magnitude 64-bit
 * integers) before native code sees it: bspatch leaks its open files and buffers when it fails, and would allocate
 * whatever target size a hostile header names.
 */
function checkHeader(delta: Uint8Array): void {
  const view = new DataView(delta.buffer, delta.byteOffset, delta.byteLength);
  if (delta.length < 32 || Buffer.from(delta.subarray(0, 8)).toString('latin1') !== 'BSDIFF40') throw new Error('not a bsdiff delta');
  const [control, diff, target] = [8, 16, 24].map((at) => view.getBigUint64(at, true)) as [bigint, bigint, bigint];
  const negative = [control, diff, target].some((n) => n >= 2n ** 63n);
  if (negative || target > MAX_TARGET || 32n + control + diff > BigInt(delta.length)) throw new Error('corrupt bsdiff delta header');
}

/**
 * bsdiff 4 (BSDIFF40 format, bzip2 streams): suffix-sorted matches whose bytes are stored as differences, so code
 * whose addresses moved still diffs to mostly zeros. Diffing needs ~20x the base in memory (about 190 MB for a 10 MB
 * binary); patching holds only base, delta and target.
 */
export const bsdiff: DeltaCodec = {
  tool: toolName('bsdiff-node'),

  createDelta: (base, target) =>
    inTempDir(async (files) => {
      await Promise.all([writeFile(files.base, base), writeFile(files.target, target)]);
      await native(binding.diff, files, 'bsdiff');
      return new Uint8Array(await readFile(files.delta));
    }),

  applyDelta: async (base, delta) => {
    checkHeader(delta);
    return inTempDir(async (files) => {
      await Promise.all([writeFile(files.base, base), writeFile(files.delta, delta)]);
      await native(binding.patch, files, 'bspatch');
      return new Uint8Array(await readFile(files.target));
    });
  },
};
