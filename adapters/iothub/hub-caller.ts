/**
 * Every call to the hub goes through here: paced by its operation class's token bucket, retried on throttles and
 * hub failures, and guarded by one circuit breaker for the whole hub. Each attempt takes its tokens and counts for
 * the breaker, so retries are paced too and a failing hub opens the breaker after its first failures, not after
 * whole retry sequences. Retries that run out end as a FleetUnavailableError: the rollout waits instead of failing.
 */
import { FleetUnavailableError } from '../../domain/fleet/fleet-port';
import { CircuitBreaker, type BreakerState, type CircuitBreakerSettings } from './circuit-breaker';
import { systemClock, type Clock } from './clock';
import { describeHubError, isHubFailure, isThrottled, isTransient, retryAfterMsOf } from './hub-errors';
import type { HubOperation } from './hub-quotas';
import { defaultRetryPolicy, RetriesExhaustedError, withRetry, type RetryPolicy } from './retry';
import { hubBucket, type HubPacing, type TokenBucket } from './token-bucket';

export interface HubCallerOptions {
  pacing: HubPacing;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<CircuitBreakerSettings>;
  random?: () => number;
  /** Tokens an operation class may spend at once (default 1: even spacing), e.g. one job's devices. */
  burst?: Partial<Record<HubOperation, number>>;
  onBreakerChange?: (state: BreakerState, reason: string) => void;
  /** Each answer 429 (over the hub's quota), before it is retried. */
  onThrottled?: (operation: HubOperation | undefined) => void;
}

export class HubCaller {
  readonly breaker: CircuitBreaker;
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  private readonly buckets = new Map<HubOperation, TokenBucket>();

  constructor(private readonly options: HubCallerOptions) {
    this.clock = options.clock ?? systemClock;
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.breaker = new CircuitBreaker({
      ...options.breaker,
      clock: this.clock,
      isFailure: isHubFailure,
      describe: describeHubError,
      label: 'IoT Hub dispatch',
      ...(options.onBreakerChange ? { onStateChange: options.onBreakerChange } : {}),
    });
  }

  /** Calls the hub: `operation` picks the quota (none: unpaced), `tokens` is how much of it one attempt uses. */
  async call<T>(operation: HubOperation | undefined, send: () => Promise<T>, tokens = 1): Promise<T> {
    const bucket = operation && this.bucket(operation);
    try {
      return await withRetry(
        async () => {
          // While the breaker is open, fail before spending quota (or waiting for it).
          const open = this.breaker.openError();
          if (open) throw open;
          if (bucket) await bucket.take(tokens);
          return this.breaker.run(send);
        },
        {
          policy: this.policy,
          clock: this.clock,
          isRetryable: (err) => {
            if (isThrottled(err)) this.options.onThrottled?.(operation);
            return isTransient(err);
          },
          // Retry-After is in hub time: a hub on a faster clock (local) means fewer real seconds.
          retryAfterMs: (err) => {
            const asked = retryAfterMsOf(err, this.clock.now());
            return asked === undefined ? undefined : asked / (this.options.pacing.clockScale ?? 1);
          },
          ...(this.options.random ? { random: this.options.random } : {}),
        },
      );
    } catch (err) {
      if (!(err instanceof RetriesExhaustedError)) throw err;
      // The retries ran out because the hub is down: say so as the breaker does.
      const open = this.breaker.openError();
      if (open) throw open;
      const retryAfterMs = this.policy.maxDelayMs;
      throw new FleetUnavailableError(
        `IoT Hub dispatch paused: ${err.attempts} attempts failed (last: ${describeHubError(err.cause)}); retrying in ${Math.ceil(retryAfterMs / 1000)} s`,
        retryAfterMs,
      );
    }
  }

  /** Waits for `tokens` of an operation class's quota, for work the hub does on its own (a job's devices). */
  pace(operation: HubOperation, tokens: number): Promise<void> {
    return this.bucket(operation).take(tokens);
  }

  private bucket(operation: HubOperation): TokenBucket {
    let bucket = this.buckets.get(operation);
    if (!bucket) this.buckets.set(operation, (bucket = hubBucket(operation, this.options.pacing, this.clock, this.options.burst?.[operation])));
    return bucket;
  }
}
