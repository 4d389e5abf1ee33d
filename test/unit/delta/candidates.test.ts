import { candidates } from '../../../delta/candidates';
import { tsdiff } from '../../../delta/candidates/tsdiff';
import { syntheticFirmware } from '../../../delta/synthetic-firmware';

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('delta candidates measured by bench:delta', () => {
  const { base, target } = syntheticFirmware(128 * 1024, 3);

  it.each(candidates.map((codec) => [codec.tool, codec] as const))('%s round-trips an image and empty inputs', async (_tool, codec) => {
    const empty = new Uint8Array(0);
    for (const [from, to] of [[base, target], [empty, target], [base, empty]] as const) {
      expect(same(await codec.applyDelta(from, await codec.createDelta(from, to)), to)).toBe(true);
    }
  });
});

describe('tsdiff, the in-repo baseline', () => {
  const { base, target } = syntheticFirmware(128 * 1024, 4);

  it('refuses a delta made for another base', async () => {
    const delta = await tsdiff.createDelta(base, target);
    await expect(tsdiff.applyDelta(syntheticFirmware(128 * 1024, 5).base, delta)).rejects.toThrow('another base');
  });

  it('refuses corrupt deltas instead of writing out of range', async () => {
    const delta = await tsdiff.createDelta(base, target);
    await expect(tsdiff.applyDelta(base, delta.subarray(0, 3))).rejects.toThrow();
    await expect(tsdiff.applyDelta(base, delta.subarray(0, delta.length - 10))).rejects.toThrow();
    await expect(tsdiff.applyDelta(base, Uint8Array.from(Buffer.from('not a delta')))).rejects.toThrow('not a tsdiff delta');
  });
});
