import type { DeviceSummary } from '../../../../domain/fleet/device';
import type { CanarySpec, WaveSpec } from '../../../../domain/rollouts/rollout-spec';
import { planWaves, validateWaveSpecs, type PlannedWave } from '../../../../domain/rollouts/wave-planner';

function fleet(count: number, sites: readonly (string | undefined)[] = ['plant-a']): DeviceSummary[] {
  return Array.from({ length: count }, (_, i) => {
    const site = sites[i % sites.length];
    const tags: Record<string, string> = site === undefined ? {} : { site };
    return { deviceId: `d-${i}`, tags, installedVersion: '1.0.0' };
  });
}

const waves = (...percents: number[]): WaveSpec[] => percents.map((percent) => ({ percent, soakMs: 60_000 }));
const sizes = (plan: PlannedWave[]) => plan.map((wave) => wave.deviceIds.length);

describe('planWaves: who goes when', () => {
  it.each<[string, number, CanarySpec, WaveSpec[], number[]]>([
    ['10 canary devices, then 25 %, then the rest', 1000, { devices: 10 }, waves(25, 100), [10, 240, 750]],
    ['a 5 % canary, then 25 %, then the rest', 1000, { percent: 5 }, waves(25, 100), [50, 200, 750]],
    ['a tiny percent canary still gets one device', 3, { percent: 1 }, waves(50, 100), [1, 1, 1]],
    ['percents round up', 100, { devices: 1 }, waves(33.3, 66.6, 100), [1, 33, 33, 33]],
    ['16.1 % of 1000 is 161 devices, not 162', 1000, { devices: 1 }, waves(16.1, 100), [1, 160, 839]],
    ['a canary larger than the fleet takes every device and no wave follows', 5, { devices: 10 }, waves(50, 100), [5]],
    ['a wave the earlier ones already cover is dropped', 10, { devices: 1 }, waves(10, 20, 100), [1, 1, 8]],
    ['no devices, no waves', 0, { devices: 10 }, waves(100), []],
  ])('%s', (_, count, canary, waveSpecs, expected) => {
    const plan = planWaves({ rolloutId: 'r-1', devices: fleet(count), canary, waves: waveSpecs });
    expect(sizes(plan)).toEqual(expected);
    expect(plan.map((wave) => wave.index)).toEqual(expected.map((_size, i) => i));
    expect(plan.map((wave) => wave.kind)).toEqual(expected.map((_size, i) => (i === 0 ? 'canary' : 'wave')));
  });

  it.each([100, 2_000, 25_000])('updates each of %i devices exactly once', (count) => {
    const devices = fleet(count, ['plant-a', 'plant-b', undefined]);
    const plan = planWaves({ rolloutId: 'r-1', devices, canary: { percent: 1 }, waves: waves(10, 50, 100) });
    const planned = plan.flatMap((wave) => wave.deviceIds);
    expect(planned).toHaveLength(count);
    expect(new Set(planned)).toEqual(new Set(devices.map((d) => d.deviceId)));
  });

  it('plans a device listed twice once', () => {
    const devices = [...fleet(20), ...fleet(20)];
    const plan = planWaves({ rolloutId: 'r-1', devices, canary: { devices: 2 }, waves: waves(100) });
    expect(plan.flatMap((wave) => wave.deviceIds)).toHaveLength(20);
  });
});

describe('planWaves: stable and spread', () => {
  const input = { rolloutId: 'r-7', canary: { devices: 10 }, waves: waves(25, 100) };

  it('keeps every device in its wave when planned again from a differently ordered query result', () => {
    const devices = fleet(1000, ['plant-a', 'plant-b']);
    const first = planWaves({ ...input, devices });
    const again = planWaves({ ...input, devices: [...devices].reverse() });
    expect(again).toEqual(first);
  });

  it('draws the canary from across the fleet, not its first ids', () => {
    const [canary] = planWaves({ ...input, devices: fleet(1000) });
    const numbers = canary?.deviceIds.map((id) => Number(id.slice(2))) ?? [];
    expect(numbers).toHaveLength(10);
    expect(new Set(numbers.map((n) => Math.floor(n / 100))).size).toBeGreaterThanOrEqual(5);
  });

  it('draws a different canary for a different rollout', () => {
    const devices = fleet(1000);
    const [a] = planWaves({ ...input, devices });
    const [b] = planWaves({ ...input, rolloutId: 'r-8', devices });
    expect(a?.deviceIds).not.toEqual(b?.deviceIds);
  });
});

describe('planWaves: batches', () => {
  type Row = [string, DeviceSummary[], CanarySpec, WaveSpec[], { maxBatchesPerWave?: number; minBatchSize?: number }, [string | undefined, number][][]];
  it.each<Row>([
    ['a wave of up to 500 devices is one batch', fleet(1000), { devices: 10 }, waves(25, 100), {}, [[['plant-a', 10]], [['plant-a', 240]], [['plant-a', 500], ['plant-a', 250]]]],
    ['a large wave is cut into 10 batches', fleet(20_000), { devices: 100 }, waves(100), {}, [[['plant-a', 100]], Array.from({ length: 10 }, (): [string, number] => ['plant-a', 1990])]],
    ['batches never mix sites; sites by name, devices without a site last', fleet(6, ['plant-b', undefined, 'plant-a']), { devices: 6 }, waves(100), {}, [[['plant-a', 2], ['plant-b', 2], [undefined, 2]]]],
    ['each site is cut on its own', fleet(1200, ['plant-a', 'plant-b']), { devices: 1200 }, waves(100), {}, [[['plant-a', 500], ['plant-a', 100], ['plant-b', 500], ['plant-b', 100]]]],
    ['batch limits can be tuned', fleet(30), { devices: 1 }, waves(25, 100), { maxBatchesPerWave: 10, minBatchSize: 5 }, [[['plant-a', 1]], [['plant-a', 5], ['plant-a', 2]], [['plant-a', 5], ['plant-a', 5], ['plant-a', 5], ['plant-a', 5], ['plant-a', 2]]]],
  ])('%s', (_, devices, canary, waveSpecs, options, expected) => {
    const plan = planWaves({ rolloutId: 'r-1', devices, canary, waves: waveSpecs, ...options });
    expect(plan.map((wave) => wave.batches.map((b): [string | undefined, number] => [b.site, b.deviceIds.length]))).toEqual(expected);
  });

  it('keeps one site per batch, in site order, with contiguous indexes, and the wave list in batch order', () => {
    const devices = fleet(6, ['plant-b', undefined, 'plant-a']);
    const siteOf = new Map(devices.map((d) => [d.deviceId, d.tags['site']]));
    const [, wave] = planWaves({ rolloutId: 'r-1', devices, canary: { devices: 1 }, waves: waves(100) });
    expect(wave?.batches.map((b) => b.site)).toEqual(['plant-a', 'plant-b', undefined]);
    expect(wave?.batches.map((b) => b.index)).toEqual([0, 1, 2]);
    for (const batch of wave?.batches ?? []) expect(batch.deviceIds.every((id) => siteOf.get(id) === batch.site)).toBe(true);
    expect(wave?.deviceIds).toEqual(wave?.batches.flatMap((b) => b.deviceIds));
  });

  // Orchestration history grows with batches, so their number must not grow with the fleet.
  it.each([10_000, 100_000])('keeps every wave of %i devices on 3 sites within 10 + 3 batches', (count) => {
    const plan = planWaves({ rolloutId: 'r-1', devices: fleet(count, ['plant-a', 'plant-b', 'plant-c']), canary: { percent: 1 }, waves: waves(10, 25, 50, 100) });
    expect(plan).toHaveLength(5);
    for (const wave of plan) {
      expect(wave.batches.length).toBeLessThanOrEqual(13);
      const largest = Math.max(500, Math.ceil(wave.deviceIds.length / 10));
      expect(wave.batches.every((b) => b.deviceIds.length <= largest)).toBe(true);
    }
  });
});

describe('validateWaveSpecs', () => {
  it.each<[CanarySpec, WaveSpec[], string | undefined]>([
    [{ devices: 10 }, waves(25, 100), undefined],
    [{ percent: 5 }, waves(100), undefined],
    [{ devices: 10 }, [], 'waves must contain at least one wave, the last one at 100 percent'],
    [{ devices: 10 }, waves(50, 50, 100), 'waves[1].percent must be greater than waves[0].percent'],
    [{ devices: 10 }, waves(50, 25, 100), 'waves[1].percent must be greater than waves[0].percent'],
    [{ devices: 10 }, waves(25, 90), 'waves[1].percent must be 100: the last wave covers every device'],
    [{ devices: 10 }, waves(0, 100), 'waves[0].percent must be greater than 0 and at most 100'],
    [{ devices: 10 }, waves(25, 120), 'waves[1].percent must be greater than 0 and at most 100'],
    [{ devices: 10 }, [{ percent: 100, soakMs: -1 }], 'waves[0].soakMs must be 0 or more'],
    [{ devices: 0 }, waves(100), 'canary.devices must be a whole number of at least 1'],
    [{ devices: 2.5 }, waves(100), 'canary.devices must be a whole number of at least 1'],
    [{ percent: 0 }, waves(100), 'canary.percent must be greater than 0'],
    [{ percent: 30 }, waves(25, 100), 'canary.percent must be less than waves[0].percent (25)'],
  ])('%j then %j → %s', (canary, waveSpecs, expected) => {
    expect(validateWaveSpecs(canary, waveSpecs)).toBe(expected);
  });

  it('is enforced by the planner', () => {
    expect(() => planWaves({ rolloutId: 'r-1', devices: fleet(10), canary: { devices: 1 }, waves: waves(50) })).toThrow('waves[0].percent must be 100');
  });
});

describe('evenPerSite batching', () => {
  const fleetOf = (perSite: number) => ['plant-a', 'plant-b', 'plant-c'].flatMap((site) =>
    Array.from({ length: perSite }, (_, i) => ({ deviceId: `${site}-${i}`, tags: { site }, installedVersion: '1.0.0' })));
  it.each([10_000, 30_000, 100_000])('cuts every wave of a %i-device fleet into the same batch counts', (size) => {
    const waves = planWaves({
      rolloutId: 'ro-even', devices: fleetOf(size / 1000 * 334), canary: { percent: 1 },
      waves: [{ percent: 10, soakMs: 1 }, { percent: 100, soakMs: 1 }], maxBatchesPerWave: 10, minBatchSize: 1, evenPerSite: true,
    });
    expect(waves.map((w) => w.batches.length)).toEqual([12, 12, 12]);
    expect(waves.every((w) => w.batches.every((b) => new Set(b.deviceIds.map((id) => id.split('-').slice(0, 2).join('-'))).size === 1))).toBe(true);
  });
});
