import { addToBuckets, maxBuckets, windowMeans, type MetricBucket } from '../../../../domain/telemetry/metric-buckets';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 10, 10, 0) + minute * 60_000).toISOString();
const fold = (samples: [number, string, number][]) =>
  samples.reduce<MetricBucket[]>((buckets, [minute, version, cycleTimeMs]) => addToBuckets(buckets, { version, receivedAt: at(minute), metrics: { cycleTimeMs } }), []);

describe('metric buckets', () => {
  it('adds samples to 5-minute buckets per version', () => {
    const buckets = fold([[0, '1.0.0', 1000], [4, '1.0.0', 1100], [5, '1.0.0', 900], [6, '2.0.0', 1300]]);
    expect(buckets).toEqual([
      { start: at(0), version: '1.0.0', metrics: { cycleTimeMs: { n: 2, sum: 2100 } } },
      { start: at(5), version: '1.0.0', metrics: { cycleTimeMs: { n: 1, sum: 900 } } },
      { start: at(5), version: '2.0.0', metrics: { cycleTimeMs: { n: 1, sum: 1300 } } },
    ]);
  });

  it('keeps only the newest buckets', () => {
    const buckets = fold(Array.from({ length: maxBuckets + 10 }, (_, i) => [i * 5, '1.0.0', i] as [number, string, number]));
    expect(buckets).toHaveLength(maxBuckets);
    expect(buckets[0]!.start).toBe(at(10 * 5));
  });

  it.each<[string, Parameters<typeof windowMeans>[1], Record<string, number> | undefined]>([
    ['the new version since the install', { from: at(6), to: at(30), version: { is: '2.0.0' } }, { cycleTimeMs: 1350 }],
    ['anything but the new version over the same window', { from: at(6), to: at(30), version: { isNot: '2.0.0' } }, { cycleTimeMs: 950 }],
    ['the old version before the install', { from: at(0), to: at(10), version: { is: '1.0.0' } }, { cycleTimeMs: 1000 }],
    ['a window with nothing in it', { from: at(60), to: at(90), version: { is: '2.0.0' } }, undefined],
  ])('means over %s', (_case, window, expected) => {
    // 1.0.0 until minute 12 on this device, 2.0.0 from 12 on (and a baseline-like 1.0.0 sample at 20 from a restore).
    const buckets = fold([[0, '1.0.0', 1000], [6, '1.0.0', 1000], [11, '1.0.0', 900], [12, '2.0.0', 1300], [17, '2.0.0', 1400], [20, '1.0.0', 950]]);
    expect(windowMeans(buckets, window)).toEqual(expected);
  });
});
