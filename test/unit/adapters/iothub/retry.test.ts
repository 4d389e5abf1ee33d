import { backoffMs, defaultRetryPolicy, RetriesExhaustedError, withRetry, type RetryPolicy } from '../../../../adapters/iothub/retry';
import { isTransient, retryAfterMsOf } from '../../../../adapters/iothub/hub-errors';
import { FakeClock } from './fake-clock';
import { sdkError, socketError } from './sdk-errors';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

/** A call that fails with the given errors in turn, then answers 'ok'. */
function failing(errors: unknown[]) {
  let calls = 0;
  const call = async () => {
    const err = errors[calls++];
    if (err) throw err;
    return 'ok';
  };
  return { call, calls: () => calls };
}

describe('withRetry', () => {
  it.each<[string, unknown[], { result: string | RegExp; calls: number; sleeps: number[] }]>([
    ['answers at once', [], { result: 'ok', calls: 1, sleeps: [] }],
    ['retries a 429 and succeeds', [sdkError(429, 'Throttled')], { result: 'ok', calls: 2, sleeps: [100] }],
    ['retries 5xx and socket errors with doubling delays', [sdkError(503, 'ServerBusy'), socketError('ECONNRESET'), sdkError(500, 'ServerError')], { result: 'ok', calls: 4, sleeps: [100, 200, 400] }],
    ['does not retry a 400', [sdkError(400, 'BadRequest')], { result: /BadRequest|something happened/, calls: 1, sleeps: [] }],
    ['does not retry a 404 or a 412', [sdkError(412, 'PreconditionFailed')], { result: /something happened/, calls: 1, sleeps: [] }],
    ['gives up after maxAttempts', [1, 2, 3, 4, 5].map(() => sdkError(503, 'ServerBusy')), { result: /gave up after 4 attempts/, calls: 4, sleeps: [100, 200, 400] }],
  ])('%s', async (_, errors, expected) => {
    const clock = new FakeClock();
    const { call, calls } = failing(errors);
    // random() = 1: the top of each jitter range, so the delays are the exponential steps themselves.
    const run = withRetry(call, { policy, clock, isRetryable: isTransient, random: () => 1 });
    if (typeof expected.result === 'string') await expect(run).resolves.toBe(expected.result);
    else await expect(run).rejects.toThrow(expected.result);
    expect({ calls: calls(), sleeps: clock.sleeps }).toEqual({ calls: expected.calls, sleeps: expected.sleeps });
  });

  it('says what failed last when it gives up', async () => {
    const { call } = failing([1, 2, 3, 4].map(() => sdkError(429, 'Throttled')));
    const err = await withRetry(call, { policy, clock: new FakeClock(), isRetryable: isTransient, random: () => 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).attempts).toBe(4);
    expect((err as RetriesExhaustedError).cause).toMatchObject({ name: 'ThrottlingError' });
  });

  it('waits at least the Retry-After the hub asks for (up to the cap)', async () => {
    const clock = new FakeClock();
    const { call } = failing([sdkError(429, 'Throttled', 'x', { 'retry-after': '0.5' }), sdkError(429, 'Throttled', 'x', { 'retry-after': '30' })]);
    await withRetry(call, { policy, clock, isRetryable: isTransient, retryAfterMs: (e) => retryAfterMsOf(e, clock.now()), random: () => 0 });
    expect(clock.sleeps).toEqual([500, 1_000]);
  });
});

describe('backoffMs', () => {
  it.each<[number, number, number]>([
    // attempt, random, delay: half the step fixed, half jittered; the step doubles and is capped
    [1, 0, 50],
    [1, 1, 100],
    [3, 0.5, 300],
    [5, 1, 1_000],
    [20, 0, 500],
  ])('attempt %i with random %d waits %d ms', (attempt, random, delay) => {
    expect(backoffMs(attempt, policy, () => random)).toBe(delay);
  });

  it('defaults: 8 attempts, 200 ms doubling to 15 s', () => {
    expect(defaultRetryPolicy).toEqual({ maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 15_000 });
  });
});
