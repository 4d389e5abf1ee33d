/**
 * Stops calling a hub that is failing. Closed: calls pass and their outcomes are kept for a sliding window; the
 * breaker opens when the window holds at least `minFailures` failures making up at least `failureRatio` of its
 * calls (a hub failing often), or after `consecutiveFailures` failures in a row (a hub gone: after a busy healthy
 * spell the ratio would take long to build up, while scattered errors of a healthy hub are rarely five in a row).
 * Open: calls fail at once with a FleetUnavailableError saying why and when it tries again. After the pause one
 * call goes through as a probe (half-open): success closes the breaker, failure reopens it for twice as long (capped).
 */
import { FleetUnavailableError } from '../../domain/fleet/fleet-port';
import type { Clock } from './clock';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface CircuitBreakerSettings {
  windowMs: number;
  minFailures: number;
  failureRatio: number;
  consecutiveFailures: number;
  /** First pause; doubles after each failed probe up to `maxOpenMs`, back to this once closed. */
  openMs: number;
  maxOpenMs: number;
}

export const defaultBreakerSettings: CircuitBreakerSettings = { windowMs: 30_000, minFailures: 10, failureRatio: 0.5, consecutiveFailures: 5, openMs: 5_000, maxOpenMs: 300_000 };

export interface CircuitBreakerOptions extends Partial<CircuitBreakerSettings> {
  clock: Clock;
  /** Errors that count against the hub; any other outcome (a 404, a 412) shows the hub answering. */
  isFailure: (err: unknown) => boolean;
  /** Short form of an error for the reason, e.g. `503 ServerBusy`. */
  describe: (err: unknown) => string;
  /** Names what pauses, e.g. `IoT Hub dispatch`. */
  label: string;
  onStateChange?: (state: BreakerState, reason: string) => void;
}

export class CircuitBreaker {
  private readonly settings: CircuitBreakerSettings;
  private readonly outcomes: { at: number; failed: boolean }[] = [];
  private current: BreakerState = 'closed';
  private openUntil = 0;
  private pauseMs: number;
  private probing = false;
  private streak = 0;
  private cause = { failures: 0, last: '' };

  constructor(private readonly options: CircuitBreakerOptions) {
    this.settings = { ...defaultBreakerSettings, ...definedOnly(options) };
    this.pauseMs = this.settings.openMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** The error a call would get now because the breaker is open (its pause not over), or undefined. */
  openError(): FleetUnavailableError | undefined {
    const retryAfterMs = this.openUntil - this.options.clock.now();
    if (this.current !== 'open' || retryAfterMs <= 0) return undefined;
    return new FleetUnavailableError(this.reason(retryAfterMs), retryAfterMs);
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const probe = this.admit();
    try {
      const result = await call();
      this.record(false, probe);
      return result;
    } catch (err) {
      const failed = this.options.isFailure(err);
      if (failed) this.cause.last = this.options.describe(err);
      this.record(failed, probe);
      throw err;
    }
  }

  /** Lets a call through (returning whether it is the half-open probe) or throws while the breaker is open. */
  private admit(): boolean {
    const now = this.options.clock.now();
    if (this.current === 'closed') return false;
    if (this.current === 'open' && now >= this.openUntil) {
      this.current = 'halfOpen';
      this.probing = false;
      this.options.onStateChange?.('halfOpen', 'probing');
    }
    if (this.current === 'halfOpen' && !this.probing) {
      this.probing = true;
      return true;
    }
    // Open, or half-open with the probe under way: its answer is expected within a call's time.
    const retryAfterMs = this.current === 'open' ? this.openUntil - now : Math.min(1_000, this.settings.openMs);
    throw new FleetUnavailableError(this.reason(retryAfterMs), retryAfterMs);
  }

  private record(failed: boolean, probe: boolean): void {
    const now = this.options.clock.now();
    if (probe) {
      this.probing = false;
      if (failed) {
        this.cause.failures++;
        this.pauseMs = Math.min(this.settings.maxOpenMs, this.pauseMs * 2);
        this.open(now);
      } else {
        this.close();
      }
      return;
    }
    if (this.current !== 'closed') return; // a call that started before the breaker opened
    this.outcomes.push({ at: now, failed });
    while (this.outcomes.length > 0 && this.outcomes[0]!.at <= now - this.settings.windowMs) this.outcomes.shift();
    this.streak = failed ? this.streak + 1 : 0;
    if (!failed) return;
    const failures = this.outcomes.filter((o) => o.failed).length;
    const often = failures >= this.settings.minFailures && failures / this.outcomes.length >= this.settings.failureRatio;
    if (often || this.streak >= this.settings.consecutiveFailures) {
      this.cause.failures = failures;
      this.open(now);
    }
  }

  private open(now: number): void {
    this.current = 'open';
    this.openUntil = now + this.pauseMs;
    this.outcomes.length = 0;
    this.streak = 0;
    this.options.onStateChange?.('open', this.reason(this.pauseMs));
  }

  private close(): void {
    this.current = 'closed';
    this.pauseMs = this.settings.openMs;
    this.outcomes.length = 0;
    this.cause = { failures: 0, last: '' };
    this.options.onStateChange?.('closed', 'probe succeeded');
  }

  private reason(retryAfterMs: number): string {
    const window = Math.round(this.settings.windowMs / 1000);
    const retry = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return `${this.options.label} paused: ${this.cause.failures} errors in ${window} s (last: ${this.cause.last}); retrying in ${retry} s`;
  }
}

function definedOnly(options: Partial<CircuitBreakerSettings>): Partial<CircuitBreakerSettings> {
  const keys: (keyof CircuitBreakerSettings)[] = ['windowMs', 'minFailures', 'failureRatio', 'consecutiveFailures', 'openMs', 'maxOpenMs'];
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}
