import { fnv1a32, spreadHash32, unitInterval } from '../../../common/stable-hash';

describe('fnv1a32', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('matches the published FNV-1a test vector for %j', (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });

  it.each(['gerät-ü-1', '🙂-device', 'a-\ud800-lone surrogate', 'plant-a-ctl-a-17'])('hashes the UTF-8 bytes of %j, whatever its characters', (text) => {
    let reference = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(text)) reference = Math.imul(reference ^ byte, 0x01000193);
    expect(fnv1a32(text)).toBe(reference >>> 0);
  });
});

describe('spreadHash32', () => {
  it.each(['', 'a-0', 'rollout-1:plant-a-42', 'ü'.repeat(100)])('is an unsigned 32-bit integer and stable for %j', (text) => {
    const hash = spreadHash32(text);
    expect(Number.isInteger(hash)).toBe(true);
    expect(hash).toBeGreaterThanOrEqual(0);
    expect(hash).toBeLessThan(2 ** 32);
    expect(spreadHash32(text)).toBe(hash);
  });
});

describe('unitInterval', () => {
  // A simulated fleet applies "installFailureRate: 0.05" as unitInterval(id) < 0.05: sequential ids must come out close
  // to the asked share, or a profile's rates would not mean what they say.
  it.each([
    ['a-', 600, 0.05],
    ['a-', 600, 0.5],
    ['dev-', 2000, 0.1],
    ['plant-b-ctl-', 10000, 0.01],
  ])('picks about the asked share of %s* (%s devices) at rate %s', (prefix, count, rate) => {
    const values = Array.from({ length: count }, (_, i) => unitInterval(`${prefix}${i}`));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    const picked = values.filter((value) => value < rate).length;
    const expected = count * rate;
    expect(Math.abs(picked - expected)).toBeLessThanOrEqual(4 * Math.sqrt(expected) + 1);
  });

  it('gives the same value for the same text', () => {
    expect(unitInterval('a-17:unhealthy')).toBe(unitInterval('a-17:unhealthy'));
    expect(unitInterval('a-17:unhealthy')).not.toBe(unitInterval('a-17:offline'));
  });
});
