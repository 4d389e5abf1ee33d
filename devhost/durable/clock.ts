/**
 * The host's clock: durable timers and `currentUtcDateTime` follow it. Real time by default; `scale` runs it
 * faster (e.g. 3600 = an hour a second); `advance` jumps it (time-skipping). The offset is persisted with the task
 * hub so a restarted host does not go back in time.
 */
export class HostClock {
  readonly scale: number;
  #realStart = Date.now();
  #offsetMs: number;

  constructor(options: { scale?: number; offsetMs?: number } = {}) {
    this.scale = options.scale && options.scale > 0 ? options.scale : 1;
    this.#offsetMs = options.offsetMs ?? 0;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    const real = Date.now();
    return this.#realStart + (real - this.#realStart) * this.scale + this.#offsetMs;
  }

  get offsetMs(): number {
    // Folds the accelerated part in, so a restart continues from the same virtual time.
    return this.nowMs() - Date.now();
  }

  advance(ms: number): void {
    if (ms > 0) this.#offsetMs += ms;
  }

  /** Real milliseconds until the clock reaches `at`. */
  realDelayUntil(at: number): number {
    return Math.max(0, (at - this.nowMs()) / this.scale);
  }
}
