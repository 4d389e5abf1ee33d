/**
 * Bounded retries with exponential backoff and jitter. The jitter keeps many callers that were refused together
 * (a 429 burst) from coming back together; the bound turns a hub that stays down into an error instead of a hang.
 */
import type { Clock } from './clock';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 15_000 };

export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  isRetryable: (err: unknown) => boolean;
  /** A server-given pause (Retry-After) that the backoff must not undercut. */
  retryAfterMs?: (err: unknown) => number | undefined;
  /** 0 ≤ random() < 1; injected for tests. */
  random?: () => number;
}

/** Thrown when every attempt failed with a retryable error; `cause` is the last one. */
export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError';

  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Delay before attempt `attempt + 1`: half of the exponential step fixed, half random ("equal jitter"). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const { policy } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!options.isRetryable(err)) throw err;
      if (attempt >= policy.maxAttempts) throw new RetriesExhaustedError(attempt, err);
      const asked = Math.min(options.retryAfterMs?.(err) ?? 0, policy.maxDelayMs);
      await options.clock.sleep(Math.max(asked, backoffMs(attempt, policy, random)));
    }
  }
}
