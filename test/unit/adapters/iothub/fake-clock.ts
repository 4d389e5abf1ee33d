/** A clock whose sleeps return at once and move time on by what was asked: pacing and backoff without waiting. */
import type { Clock } from '../../../../adapters/iothub/clock';

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(public ms = 0) {}

  now = (): number => this.ms;

  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.ms += ms;
  };

  advance(ms: number): void {
    this.ms += ms;
  }
}
