import { createHash } from 'node:crypto';
import { DeltaCodec } from '../codec';
import { brotli, unbrotli } from './brotli';
import { VarintReader, VarintWriter } from './varint';

/**
 * In-repo baseline in plain TypeScript, so there is always a working tool without native code. It borrows bsdiff's
 * idea (a copy stores target-minus-base bytes, so code whose addresses shifted diffs to mostly zeros) but finds
 * matches through a hash of 8-byte windows instead of suffix sorting, and compresses with brotli instead of bzip2.
 *
 * Delta: "TSD1", varints (target length, base length, three compressed stream lengths), 8 bytes of the base's
 * SHA-256, then brotli(control), brotli(diff), brotli(literals). Control is one (literal length, copy length,
 * base seek) triple per copy.
 */
const MAGIC = [0x54, 0x53, 0x44, 0x31];
const WINDOW = 8; // bytes hashed to look a match up
const MIN_COPY = 16; // shorter exact matches cost more in control data than they save
const HASH_BITS = 22;
const GIVE_UP = 64; // a copy stops once mismatches outnumber matches by this much

const baseTag = (base: Uint8Array): Uint8Array => createHash('sha256').update(base).digest().subarray(0, 8);

function hashAt(view: DataView, i: number): number {
  const mixed = view.getUint32(i, true) ^ Math.imul(view.getUint32(i + 4, true), 0x9e3779b1);
  return Math.imul(mixed, 0x85ebca6b) >>> (32 - HASH_BITS);
}

/** Last base position of each hashed window; later positions overwrite earlier ones, which is good enough. */
function indexBase(base: Uint8Array): Int32Array {
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const view = new DataView(base.buffer, base.byteOffset, base.byteLength);
  for (let p = 0; p + WINDOW <= base.length; p++) table[hashAt(view, p)] = p;
  return table;
}

function exactLength(base: Uint8Array, from: number, target: Uint8Array, at: number): number {
  let n = 0;
  while (from + n < base.length && at + n < target.length && base[from + n] === target[at + n]) n++;
  return n;
}

/** bsdiff's rule: extend a copy while matches outweigh mismatches, so small edits ride along inside it. */
function copyEnd(base: Uint8Array, from: number, target: Uint8Array, at: number): number {
  let score = 0;
  let best = 0;
  let end = at;
  for (let k = 0; from + k < base.length && at + k < target.length; k++) {
    score += base[from + k] === target[at + k] ? 1 : -1;
    if (score > best) [best, end] = [score, at + k + 1];
    else if (score < best - GIVE_UP) break;
  }
  return end;
}

async function createDelta(base: Uint8Array, target: Uint8Array): Promise<Uint8Array> {
  const table = indexBase(base);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const control = new VarintWriter();
  const diff = new Uint8Array(target.length);
  const literals = new Uint8Array(target.length);
  let [diffLength, literalLength, literalStart, baseEnd, shift] = [0, 0, 0, 0, 0];

  const emit = (copyStart: number, from: number, copyLength: number): void => {
    literals.set(target.subarray(literalStart, copyStart), literalLength);
    literalLength += copyStart - literalStart;
    for (let k = 0; k < copyLength; k++) diff[diffLength++] = (target[copyStart + k] ?? 0) - (base[from + k] ?? 0);
    control.uint(copyStart - literalStart);
    control.uint(copyLength);
    control.int(from - baseEnd);
    [baseEnd, literalStart] = [from + copyLength, copyStart + copyLength];
  };

  let i = 0;
  while (i + WINDOW <= target.length) {
    // The previous copy's alignment usually resumes right after an edit; the hash finds moved or new alignments.
    let [from, length] = [-1, 0];
    for (const candidate of [i + shift, table[hashAt(view, i)] ?? -1]) {
      if (candidate < 0 || candidate >= base.length) continue;
      const n = exactLength(base, candidate, target, i);
      if (n > length) [from, length] = [candidate, n];
    }
    if (length < MIN_COPY) {
      i++;
      continue;
    }
    let start = i;
    while (start > literalStart && from > 0 && base[from - 1] === target[start - 1]) [start, from] = [start - 1, from - 1];
    const end = copyEnd(base, from, target, start);
    emit(start, from, end - start);
    [i, shift] = [end, from - start];
  }
  emit(target.length, baseEnd, 0);

  const streams = await Promise.all([control.toBytes(), diff.subarray(0, diffLength), literals.subarray(0, literalLength)].map(brotli));
  const header = new VarintWriter();
  for (const n of [target.length, base.length, ...streams.map((s) => s.length)]) header.uint(n);
  return Buffer.concat([Uint8Array.from(MAGIC), header.toBytes(), baseTag(base), ...streams]);
}

async function applyDelta(base: Uint8Array, delta: Uint8Array): Promise<Uint8Array> {
  const reader = new VarintReader(delta);
  if (!reader.take(MAGIC.length).every((b, k) => b === MAGIC[k])) throw new Error('not a tsdiff delta');
  const [targetLength, baseLength, ...streamLengths] = [1, 2, 3, 4, 5].map(() => reader.uint()) as [number, number, number, number, number];
  const tag = reader.take(8);
  if (baseLength !== base.length || !Buffer.from(tag).equals(baseTag(base))) throw new Error('delta was made for another base');
  const [control, diff, literals] = await Promise.all(streamLengths.map((n) => unbrotli(reader.take(n))));
  if (!control || !diff || !literals) throw new Error('corrupt delta: missing stream');

  const out = new Uint8Array(targetLength);
  const ops = new VarintReader(control);
  let [at, from, diffAt, literalAt] = [0, 0, 0, 0];
  while (!ops.done) {
    const [literalLength, copyLength, seek] = [ops.uint(), ops.uint(), ops.int()];
    from += seek;
    const fits = at + literalLength + copyLength <= targetLength && literalAt + literalLength <= literals.length;
    if (!fits || from < 0 || from + copyLength > base.length || diffAt + copyLength > diff.length) throw new Error('corrupt delta: out of range');
    out.set(literals.subarray(literalAt, literalAt + literalLength), at);
    [at, literalAt] = [at + literalLength, literalAt + literalLength];
    for (let k = 0; k < copyLength; k++) out[at + k] = (base[from + k] ?? 0) + (diff[diffAt + k] ?? 0);
    [at, from, diffAt] = [at + copyLength, from + copyLength, diffAt + copyLength];
  }
  if (at !== targetLength) throw new Error('corrupt delta: short target');
  return out;
}

export const tsdiff: DeltaCodec = { tool: 'tsdiff@1', createDelta, applyDelta };
