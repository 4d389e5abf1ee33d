import { createHash } from 'node:crypto';
import { applyDelta, createDelta, deltaTool, rebuildVerified } from '../../../delta';
import { syntheticFirmware } from '../../../delta/synthetic-firmware';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Seeded pseudo-random bytes, so a failure can be replayed. */
function noise(length: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 24;
  });
}

describe('delta', () => {
  // A quarter-MiB image is enough to exercise every kind of change and keeps the suite fast.
  const { base, target } = syntheticFirmware(256 * 1024, 7);

  it('names the tool and its version', () => {
    expect(deltaTool).toMatch(/^bsdiff-node@\d+\.\d+\.\d+$/);
  });

  it('rebuilds a firmware image with edits, an insertion and moved sections from a small delta', async () => {
    const delta = await createDelta(base, target);
    expect(same(await applyDelta(base, delta), target)).toBe(true);
    expect(delta.length).toBeLessThan(target.length * 0.1);
  });

  it('rebuilds random bytes with overwritten, inserted and deleted runs', async () => {
    const old = noise(100_000, 1);
    const edited = Buffer.concat([old.subarray(0, 20_000), noise(3_000, 2), old.subarray(20_000, 60_000), old.subarray(61_000)]);
    for (let at = 500; at < edited.length; at += 7_919) edited[at] = (edited[at] ?? 0) ^ 0x5a;
    const delta = await createDelta(old, edited);
    expect(same(await applyDelta(old, delta), edited)).toBe(true);
    expect(delta.length).toBeLessThan(edited.length * 0.1);
  });

  it('handles empty and identical inputs', async () => {
    const empty = new Uint8Array(0);
    for (const [from, to] of [[empty, empty], [empty, target], [base, empty], [base, base]] as const) {
      expect(same(await applyDelta(from, await createDelta(from, to)), to)).toBe(true);
    }
    expect((await createDelta(base, base)).length).toBeLessThan(1_000);
  });

  it('gives bytes with another SHA-256 when applied to the wrong base, which rebuildVerified refuses', async () => {
    const delta = await createDelta(base, target);
    const other = syntheticFirmware(256 * 1024, 8).base;
    // bsdiff does not check its base: it adds its differences to whatever it is given.
    const wrong = await applyDelta(other, delta);
    expect(sha256(wrong)).not.toBe(sha256(target));
    const verdict = await rebuildVerified(other, delta, sha256(target));
    expect(verdict).toEqual({ ok: false, reason: expect.stringContaining('not the signed') });
  });

  it('rejects corrupt deltas, and rebuildVerified turns that into a fallback reason', async () => {
    const delta = await createDelta(base, target);
    const flipped = Uint8Array.from(delta);
    flipped[40] = (flipped[40] ?? 0) ^ 0xff;
    await expect(applyDelta(base, new Uint8Array(0))).rejects.toThrow('not a bsdiff delta');
    await expect(applyDelta(base, noise(500, 3))).rejects.toThrow('not a bsdiff delta');
    await expect(applyDelta(base, delta.subarray(0, 40))).rejects.toThrow('corrupt bsdiff delta header');
    await expect(applyDelta(base, flipped)).rejects.toThrow('bspatch failed');
    expect(await rebuildVerified(base, flipped, sha256(target))).toEqual({ ok: false, reason: expect.stringContaining('does not apply') });
  });

  it('accepts the rebuilt file when its hash is the signed one', async () => {
    const verdict = await rebuildVerified(base, await createDelta(base, target), sha256(target));
    expect(verdict.ok && same(verdict.bytes, target)).toBe(true);
  });
});
