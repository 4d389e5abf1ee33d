import { CircuitBreaker, type BreakerState, type CircuitBreakerSettings } from '../../../../adapters/iothub/circuit-breaker';
import { describeHubError, isHubFailure } from '../../../../adapters/iothub/hub-errors';
import { FleetUnavailableError } from '../../../../domain/fleet/fleet-port';
import { FakeClock } from './fake-clock';
import { sdkError } from './sdk-errors';

const settings: CircuitBreakerSettings = { windowMs: 30_000, minFailures: 5, failureRatio: 0.5, consecutiveFailures: 8, openMs: 20_000, maxOpenMs: 60_000 };
const busy = () => sdkError(503, 'ServerBusy');
const ok = async () => 'ok';
const fail = (err: unknown = busy()) => async () => {
  throw err;
};

function setup(overrides: Partial<CircuitBreakerSettings> = {}) {
  const clock = new FakeClock();
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker({ ...settings, ...overrides, clock, isFailure: isHubFailure, describe: describeHubError, label: 'IoT Hub dispatch', onStateChange: (s) => changes.push(s) });
  /** Runs a call, swallowing its error: what matters here is what the breaker makes of it. */
  const attempt = (call: () => Promise<string>) => breaker.run(call).catch((e: unknown) => e);
  return { clock, breaker, changes, attempt };
}

async function trip(attempt: (call: () => Promise<string>) => Promise<unknown>, clock: FakeClock, failures = 5) {
  for (let i = 0; i < failures; i++) {
    await attempt(fail());
    clock.advance(1_000);
  }
}

describe('CircuitBreaker', () => {
  it('opens after minFailures failures making up the failure ratio of the window', async () => {
    const { breaker, clock, attempt } = setup();
    await trip(attempt, clock, 4);
    expect(breaker.state).toBe('closed');
    await trip(attempt, clock, 1);
    expect(breaker.state).toBe('open');
  });

  it('while open fails fast with the reason and when it retries, without calling', async () => {
    const { clock, attempt } = setup();
    await trip(attempt, clock);
    clock.advance(4_000);
    const call = jest.fn(ok);
    const err = await attempt(call);
    expect(call).not.toHaveBeenCalled();
    expect(err).toBeInstanceOf(FleetUnavailableError);
    expect((err as FleetUnavailableError).message).toBe('IoT Hub dispatch paused: 5 errors in 30 s (last: 503 ServerBusy); retrying in 15 s');
    expect((err as FleetUnavailableError).retryAfterMs).toBe(15_000);
  });

  it.each<[string, Partial<CircuitBreakerSettings>, (() => Promise<string>)[], BreakerState]>([
    ['stays closed when failures are a small share of many calls', {}, [...Array(20).fill(ok), ...Array(6).fill(fail())], 'closed'],
    ['stays closed when failures are spread beyond the window', { windowMs: 5_000 }, Array(10).fill([fail(), ok]).flat(), 'closed'],
    ['opens on the same failures within a longer window', { windowMs: 30_000 }, Array(10).fill([fail(), ok]).flat(), 'open'],
    ['ignores answers that are not hub failures (404, 412, 429)', {}, [404, 412, 429, 404, 412, 429].map((s) => fail(sdkError(s, 'X'))), 'closed'],
    ['opens on a run of failures', {}, Array(5).fill(fail()), 'open'],
    ['opens on failures in a row after a busy healthy spell', { consecutiveFailures: 4 }, [...Array(50).fill(ok), ...Array(4).fill(fail())], 'open'],
    ['does not count a run broken by a success', { consecutiveFailures: 4 }, [...Array(50).fill(ok), fail(), fail(), fail(), ok, fail(), fail(), fail()], 'closed'],
  ])('%s', async (_, overrides, calls, state) => {
    const { breaker, clock, attempt } = setup(overrides);
    for (const call of calls) {
      await attempt(call);
      clock.advance(1_000);
    }
    expect(breaker.state).toBe(state);
  });

  it('lets one probe through after the pause (half-open) and closes when it succeeds', async () => {
    const { breaker, clock, changes, attempt } = setup();
    await trip(attempt, clock);
    clock.advance(20_000);
    let release!: () => void;
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = () => resolve('probed'))));
    expect(breaker.state).toBe('halfOpen');
    const other = await attempt(ok);
    expect(other).toBeInstanceOf(FleetUnavailableError); // only the probe goes through
    release();
    await expect(probe).resolves.toBe('probed');
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(ok)).resolves.toBe('ok');
    expect(changes).toEqual(['open', 'halfOpen', 'closed']);
  });

  it('reopens for twice as long when the probe fails, up to the cap, and starts over once closed', async () => {
    const { breaker, clock, attempt } = setup();
    await trip(attempt, clock);
    const pauses: number[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await attempt(fail());
      pauses.push(((await attempt(ok)) as FleetUnavailableError).retryAfterMs);
    }
    expect(pauses).toEqual([40_000, 60_000, 60_000]);
    clock.advance(60_000);
    await attempt(ok);
    expect(breaker.state).toBe('closed');
    await trip(attempt, clock);
    expect(((await attempt(ok)) as FleetUnavailableError).retryAfterMs).toBe(19_000); // the first pause again, 1 s of it gone
  });

  it('counts a probe answered with a 404 as the hub being back', async () => {
    const { breaker, clock, attempt } = setup();
    await trip(attempt, clock);
    clock.advance(20_000);
    await attempt(fail(sdkError(404, 'DeviceNotFound')));
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreaker.openError', () => {
  it('is the fail-fast error while open, and nothing otherwise', async () => {
    const { clock, breaker, attempt } = setup();
    expect(breaker.openError()).toBeUndefined();
    await trip(attempt, clock);
    expect(breaker.openError()).toMatchObject({ name: 'FleetUnavailableError', retryAfterMs: 19_000, message: expect.stringContaining('5 errors in 30 s') });
  });
});

it('openError is gone once the pause is over (the next call is the probe)', async () => {
  const { clock, breaker, attempt } = setup();
  await trip(attempt, clock);
  clock.advance(19_000);
  expect(breaker.openError()).toBeUndefined();
  expect(breaker.state).toBe('open');
});
