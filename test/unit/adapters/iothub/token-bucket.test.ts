import { quotaPerSecond, concurrentJobs, type HubOperation, type IotHubSku } from '../../../../adapters/iothub/hub-quotas';
import { hubBucket, TokenBucket } from '../../../../adapters/iothub/token-bucket';
import { FakeClock } from './fake-clock';

describe('TokenBucket', () => {
  // Each take happens at `at` ms (fake time); the wait is what the bucket makes that caller sleep.
  it.each<[string, { rate: number; capacity?: number }, { at: number; count?: number }[], number[]]>([
    ['spaces callers evenly at the rate (capacity 1)', { rate: 10 }, [{ at: 0 }, { at: 0 }, { at: 0 }, { at: 0 }], [0, 100, 200, 300]],
    ['lets a burst through up to its capacity, then paces', { rate: 10, capacity: 3 }, [{ at: 0 }, { at: 0 }, { at: 0 }, { at: 0 }], [0, 0, 0, 100]],
    ['refills while idle, never above capacity', { rate: 10, capacity: 2 }, [{ at: 0 }, { at: 0 }, { at: 10_000 }, { at: 10_000 }, { at: 10_000 }], [0, 0, 0, 0, 100]],
    ['makes a large request wait for all its tokens', { rate: 10 }, [{ at: 0, count: 50 }], [4_900]],
    ['serves callers in arrival order after a large request', { rate: 10, capacity: 50 }, [{ at: 0, count: 50 }, { at: 0 }, { at: 50 }], [0, 100, 150]],
    ['pays back a debt before a later caller', { rate: 2 }, [{ at: 0 }, { at: 0 }, { at: 250 }], [0, 500, 750]],
  ])('%s', (_, { rate, capacity }, takes, waits) => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: rate, ...(capacity ? { capacity } : {}), clock });
    const observed = takes.map(({ at, count }) => {
      clock.ms = at;
      return Math.round(bucket.reserve(count));
    });
    expect(observed).toEqual(waits);
  });

  it('take sleeps for the reserved wait', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 4, clock });
    for (let i = 0; i < 3; i++) await bucket.take();
    expect(clock.sleeps).toEqual([250, 250]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, clock: new FakeClock() })).toThrow('ratePerSecond must be positive');
  });
});

describe('hub quotas (docs/azure-facts.md)', () => {
  it.each<[HubOperation, IotHubSku, number, number]>([
    ['twinUpdate', 'S1', 1, 50],
    ['twinUpdate', 'S1', 4, 50],
    ['twinUpdate', 'S2', 4, 50],
    ['twinUpdate', 'S2', 20, 100],
    ['twinUpdate', 'S3', 2, 500],
    ['twinRead', 'S1', 1, 100],
    ['twinRead', 'S3', 1, 500],
    ['query', 'S1', 1, 20 / 60],
    ['query', 'S2', 3, 1],
    ['query', 'S3', 1, 1000 / 60],
    ['jobOperation', 'S1', 1, 100 / 60],
    ['jobOperation', 'S3', 2, 10_000 / 60],
    ['jobDeviceOperation', 'S1', 1, 10],
    ['jobDeviceOperation', 'S2', 25, 25],
    ['jobDeviceOperation', 'S3', 2, 100],
  ])('%s on %s×%i: %d/s', (operation, sku, units, perSecond) => {
    expect(quotaPerSecond(operation, { sku, units })).toBeCloseTo(perSecond, 10);
  });

  it('allows 1, 5 and 10 concurrent jobs on S1, S2 and S3', () => {
    expect((['S1', 'S2', 'S3'] as const).map((sku) => concurrentJobs({ sku, units: 1 }))).toEqual([1, 5, 10]);
  });

  it('holds an operation class at its share of the quota, scaled to the hub clock', () => {
    const clock = new FakeClock();
    expect(hubBucket('twinUpdate', { sku: 'S1', units: 1, quotaShare: 0.9 }, clock).ratePerSecond).toBeCloseTo(45);
    expect(hubBucket('query', { sku: 'S1', units: 1, quotaShare: 0.9, clockScale: 60 }, clock).ratePerSecond).toBeCloseTo(18);
  });
});
