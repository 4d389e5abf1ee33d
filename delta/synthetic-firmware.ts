/**
 * Two versions of a made-up microcontroller flash image, for the delta bench and tests (no runtime use). Deltas on
 * random bytes say little, so the image has what firmware has: code built from a small instruction vocabulary
 * whose functions hold absolute addresses of other functions, string and lookup tables, already-compressed assets
 * and erased (0xFF) padding. The next version changes it the way a release does: scattered edited instructions, a
 * block of new functions in the middle (so every address after it moves and the pointers to them change), the two
 * read-only sections swapped by the linker, one asset replaced and a new version number in the header.
 */
const FLASH = 0x0800_0000;

type Random = () => number;

/** xorshift32: deterministic, so every run measures the same pair. */
function random(seed: number): Random {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const int = (r: Random, below: number): number => Math.floor(r() * below);
const bytes = (r: Random, n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(r, 256));

interface Fn {
  id: number;
  words: number[];
  calls: number[]; // ids whose addresses sit in this function's literal pool
}

function makeFunctions(r: Random, vocabulary: number[], firstId: number, budget: number, callable: number): Fn[] {
  const fns: Fn[] = [];
  for (let used = 0, id = firstId; used < budget; id++) {
    // Cubing skews the choice toward a few common instructions, as compiled code does.
    const words = Array.from({ length: 50 + int(r, 450) }, () => vocabulary[Math.floor(vocabulary.length * r() ** 3)] ?? 0);
    const calls = Array.from({ length: 2 + int(r, 5) }, () => int(r, callable));
    fns.push({ id, words, calls });
    used += 4 * (words.length + calls.length);
  }
  return fns;
}

/** Absolute address of each function when laid out in order from `at`. */
function addresses(fns: Fn[], at: number): Map<number, number> {
  const address = new Map<number, number>();
  let size = 0;
  for (const fn of fns) {
    address.set(fn.id, FLASH + at + size);
    size += 4 * (fn.words.length + fn.calls.length);
  }
  return address;
}

/** The code section: each function's instructions, then its literal pool resolved to the callees' addresses. */
function linkCode(fns: Fn[], address: Map<number, number>): Uint8Array {
  const values = fns.flatMap((fn) => [...fn.words, ...fn.calls.map((id) => address.get(id) ?? FLASH)]);
  const view = new DataView(new ArrayBuffer(4 * values.length));
  values.forEach((value, k) => view.setUint32(4 * k, value >>> 0, true));
  return new Uint8Array(view.buffer);
}

/** How many of the 4 little-endian bytes differ between two words. */
const differingBytes = (a: number, b: number): number => [0, 8, 16, 24].filter((s) => ((a >>> s) & 0xff) !== ((b >>> s) & 0xff)).length;

function strings(r: Random, n: number): Uint8Array {
  const words = Array.from({ length: 400 }, () => Array.from({ length: 3 + int(r, 7) }, () => String.fromCharCode(97 + int(r, 26))).join(''));
  let text = '';
  while (text.length < n) text += `${Array.from({ length: 2 + int(r, 8) }, () => words[int(r, words.length)]).join(' ')}\0`;
  return new TextEncoder().encode(text.slice(0, n));
}

/** Calibration curves: slowly rising 16-bit values. */
function tables(r: Random, n: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(n - (n % 2)));
  for (let p = 0, v = 0; p < view.byteLength; p += 2) {
    v = p % 512 === 0 ? int(r, 4096) : v + int(r, 8);
    view.setUint16(p, v & 0xffff, true);
  }
  return new Uint8Array(view.buffer);
}

const HEADER = 64;

function image(size: number, version: number, sections: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(size).fill(0xff);
  const header = new DataView(out.buffer, 0, HEADER);
  header.setUint32(0, 0x4d49_5746, true); // "FWIM"
  header.setUint32(4, version, true);
  let at = HEADER;
  for (const [k, section] of sections.entries()) {
    header.setUint32(8 + 4 * k, at, true);
    if (at + section.length > size) throw new Error('synthetic image: sections do not fit');
    out.set(section, at);
    at += section.length;
  }
  return out;
}

export interface FirmwarePair {
  base: Uint8Array;
  target: Uint8Array;
  /** Bytes of the target that are new or were edited in place (moved bytes not counted). */
  changedBytes: number;
}

export function syntheticFirmware(size = 8 * 2 ** 20, seed = 1): FirmwarePair {
  const r = random(seed);
  const vocabulary = Array.from({ length: 4096 }, () => int(r, 2 ** 32));
  const fns = makeFunctions(r, vocabulary, 0, size * 0.6, 1);
  for (const fn of fns) fn.calls = fn.calls.map(() => int(r, fns.length)); // callees drawn once the count is known
  const [text, table] = [strings(r, size * 0.07), tables(r, size * 0.08)];
  const assets = Array.from({ length: 8 }, () => bytes(r, Math.floor((size * 0.12) / 8)));

  let changed = 0;
  const edited = fns.map((fn) => ({ ...fn, words: [...fn.words] }));
  for (let k = 0; k < fns.length / 2; k++) {
    const fn = edited[int(r, edited.length)];
    for (let e = 1 + int(r, 3); fn && e > 0; e--) {
      const w = int(r, fn.words.length);
      const value = int(r, 2 ** 32);
      changed += differingBytes(fn.words[w] ?? 0, value);
      fn.words[w] = value;
    }
  }
  const added = makeFunctions(r, vocabulary, fns.length, size * 0.03, fns.length);
  const middle = Math.floor(edited.length / 2);
  const next = [...edited.slice(0, middle), ...added, ...edited.slice(middle)];
  changed += added.reduce((n, fn) => n + 4 * (fn.words.length + fn.calls.length), 0);
  const [oldAddress, newAddress] = [addresses(fns, HEADER), addresses(next, HEADER)];
  for (const fn of fns) for (const id of fn.calls) changed += differingBytes(oldAddress.get(id) ?? 0, newAddress.get(id) ?? 0);
  const newAssets = assets.map((asset, k) => (k === 2 ? bytes(r, asset.length) : asset));
  changed += (assets[2]?.length ?? 0) + 1; // the replaced asset and the version byte

  return {
    base: image(size, 1, [linkCode(fns, oldAddress), table, text, ...assets]),
    target: image(size, 2, [linkCode(next, newAddress), text, table, ...newAssets]),
    changedBytes: changed,
  };
}
